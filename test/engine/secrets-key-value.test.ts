/**
 * The quoted key/value recogniser of literal secrets starts a key only where no key character
 * precedes it (so a long run of key characters is scanned once, not from each of its positions);
 * what it finds must be what it found before: keys with dots and dashes inside, leading dashes. YAML
 * block scalars are read line by line, each line once.
 */
import { secretsInText } from "../../src/engine/secrets";

const VALUE = "Xy7!qLongSecret1";

describe("literal secrets: quoted key/value pairs", () => {
  test.each([
    [`--password="${VALUE}"`, 'a "password" entry'],
    [`cfg.password = "${VALUE}"`, 'a "cfg.password" entry'],
    [`{"Password": "${VALUE}"}`, 'a "Password" entry'],
    [`$AdminPassword = '${VALUE}'`, 'a "AdminPassword" entry'],
    [`x-password: "${VALUE}"`, 'a "x-password" entry'],
    [`{"a":"b","client_secret":"${VALUE}"}`, 'a "client_secret" entry'],
  ])("%s", (text, kind) => {
    expect(secretsInText(text)).toEqual([kind]);
  });

  test("runs of key characters with no assignment after them hold no secret, and a pair after such a run is still found", () => {
    for (const run of ["a".repeat(50_000), "a-".repeat(25_000), "a.b".repeat(16_000), "_9".repeat(25_000)]) {
      expect(secretsInText(run)).toEqual([]);
      expect(secretsInText(`${run} password = "${VALUE}"`)).toEqual(['a "password" entry']);
    }
  });
});

describe("literal secrets: YAML block scalars are read in one pass", () => {
  const block = (key: string, value: string) => `${key}: |\n  ${value}\n`;
  test.each([
    ["empty blocks, each ended by the next key", "password: |\n".repeat(16_000)],
    ["one block of many lines", `password: |\n${"  x y\n".repeat(40_000)}`],
    ["sequence dashes before a key", `${"- ".repeat(90_000)}password: |\n`],
    ["a long key that is no key", `${"a".repeat(190_000)}: | x`],
    ["a line of indicators", `${"|>:".repeat(60_000)}\n`],
  ])("%s: bounded time, then a block after it is still found", (_name, run) => {
    const started = Date.now();
    expect(secretsInText(run)).toEqual([]);
    expect(secretsInText(`${run}\n${block("secret", VALUE)}`.slice(-200_000))).toEqual(['a "secret" entry']);
    // Linear: about 10 ms each on this machine; quadratic would be seconds.
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

