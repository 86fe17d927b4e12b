/**
 * Items joined when they share a key, transitively (union-find): "one problem, one finding" where
 * several rules or verdicts name the same cause (a zone of undeclared trust admitted by several rules).
 * Linear in the keys the items name (near enough: path halving).
 */

/**
 * The clusters of `items`, each in item order, keyed by its first item (the root: unions keep the
 * smaller index, so a cluster is reported where its first member would have been).
 */
export function clustersByKey<T>(items: readonly T[], keysOf: (item: T) => Iterable<string>): Map<T, T[]> {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const firstWith = new Map<string, number>();
  items.forEach((item, i) => {
    for (const key of keysOf(item)) {
      const j = firstWith.get(key);
      if (j === undefined) firstWith.set(key, i);
      else {
        const [a, b] = [find(i), find(j)];
        parent[Math.max(a, b)] = Math.min(a, b);
      }
    }
  });
  const out = new Map<T, T[]>();
  items.forEach((item, i) => {
    const root = items[find(i)];
    const m = out.get(root);
    if (m) m.push(item);
    else out.set(root, [item]);
  });
  return out;
}
