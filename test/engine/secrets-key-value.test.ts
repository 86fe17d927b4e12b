/**
 * The quoted key/value recogniser of literal secrets starts a key only where no key character
 * precedes it (so a long run of key characters is scanned once, not from each of its positions);
 * what it finds must be what it found before: keys with dots and dashes inside, leading dashes.
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
