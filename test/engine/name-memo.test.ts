import { memoByName } from "../../src/engine/name-memo";

describe("memoByName: a decision per name, kept up to a bound", () => {
  test("each name is decided once, falsy answers included", () => {
    const asked: string[] = [];
    const decide = memoByName((n) => (asked.push(n), n === "password" ? "secret" : undefined));
    expect([decide("password"), decide("name"), decide("password"), decide("name")]).toEqual(["secret", undefined, "secret", undefined]);
    expect(asked).toEqual(["password", "name"]);
  });

  test("past the bound, new names are decided each time and the old ones stay kept", () => {
    const asked: string[] = [];
    const decide = memoByName((n) => (asked.push(n), n.length), 2);
    for (const n of ["a", "bb", "ccc", "ccc", "a"]) decide(n);
    expect(asked).toEqual(["a", "bb", "ccc", "ccc"]);
  });
});
