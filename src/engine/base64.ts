/**
 * The one test of "is this text base64?", shared by the readers that decode what Azure or Terraform will
 * decode (a Custom Script Extension's `script`, custom data and user data, `base64decode("...")`). What
 * the decoded bytes must look like differs per reader and stays with it.
 */

/** Standard base64 (RFC 4648 section 4): the alphabet, then at most two `=` of padding. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes `value` decodes to when, white space removed, it is standard base64 (the alphabet, a length that
 * is a multiple of 4, padding only at the end) at least `minLength` characters long; undefined otherwise.
 */
export function base64Bytes(value: string, minLength: number): Buffer | undefined {
  const compact = value.replace(/\s+/g, "");
  if (compact.length < minLength || compact.length % 4 !== 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64");
}
