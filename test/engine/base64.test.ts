import { base64Bytes } from "../../src/engine/base64";

describe("base64Bytes: the shared shape test of base64 text", () => {
  test("decodes standard base64, white space removed, at least the minimum length", () => {
    expect(base64Bytes("aGVs\nbG8h", 8)?.toString("utf8")).toBe("hello!");
    expect(base64Bytes(" aGk= ", 0)?.toString("utf8")).toBe("hi");
    expect(base64Bytes("", 0)?.length).toBe(0);
  });

  test("undefined for a length that is no multiple of 4, a character outside the alphabet, padding inside, or too short", () => {
    expect(base64Bytes("aGVsbG8", 0)).toBeUndefined();
    expect(base64Bytes("aGVs-G8h", 0)).toBeUndefined();
    expect(base64Bytes("aG==bG8h", 0)).toBeUndefined();
    expect(base64Bytes("aGk=", 8)).toBeUndefined();
  });
});
