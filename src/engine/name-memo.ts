/**
 * A decision about a name (an attribute, tag or field name), kept per name: names repeat across
 * thousands of resources, so each is decided once. Bounded: odd input with many distinct names must
 * not grow it without limit (past the bound, names are decided each time).
 * @internal
 */
export function memoByName<T>(decide: (name: string) => T, max = 10_000): (name: string) => T {
  const decided = new Map<string, T>();
  return (name) => {
    let hit = decided.get(name);
    if (hit === undefined && !decided.has(name)) {
      hit = decide(name);
      if (decided.size < max) decided.set(name, hit);
    }
    return hit as T;
  };
}
