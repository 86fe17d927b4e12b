/**
 * Bounds the text of every output: the command line's and the reports, diagram and annotations of a
 * synth. A finding message quotes names and values from the configuration (`rule "<name>" of NSG ...`);
 * a 50 MB name made every message, and every report, 50 MB long. Any unbroken run of more than
 * {@link MAX_TOKEN} characters in a message, fix, reason, construct path, tag value or setting is cut
 * to its first {@link KEPT} characters and says how long it was. Addresses are never changed
 * (suppressions and baselines match them); construct paths are matched before any output is made
 * (suppressions declared on constructs are recorded in the Terraform JSON the rules read).
 */
import { CheckResult, Finding } from "../engine/result";

/** The longest unbroken run of non-space characters shown in full (an Azure resource ID fits). */
export const MAX_TOKEN = 1024;
/** How much of a longer run is shown. */
export const KEPT = 200;

/** Whitespace as `\s` knows it (the common ones: a run of anything else counts as one token). */
function isSpace(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x2028 || code === 0x2029 || code === 0xfeff;
}

/** `text` with every unbroken run longer than {@link MAX_TOKEN} characters cut (and its length said). Linear. */
export function boundText(text: string): string {
  if (text.length <= MAX_TOKEN) return text;
  let out = "";
  let copied = 0;
  let start = -1;
  const end = (i: number) => {
    if (start >= 0 && i - start > MAX_TOKEN) {
      out += text.slice(copied, start + KEPT) + `...(${(i - start).toLocaleString("en-US")} characters, cut)`;
      copied = i;
    }
    start = -1;
  };
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text.charCodeAt(i))) end(i);
    else if (start < 0) start = i;
  }
  end(text.length);
  return copied === 0 ? text : out + text.slice(copied);
}

/** The result with its texts bounded (see {@link boundText}). */
export function boundResultTexts(result: CheckResult): CheckResult {
  const finding = (f: Finding): Finding => ({
    ...f,
    message: boundText(f.message),
    fix: boundText(f.fix),
    ...(f.constructPath !== undefined ? { constructPath: boundText(f.constructPath) } : {}),
    ...(f.suppressionReason !== undefined ? { suppressionReason: boundText(f.suppressionReason) } : {}),
  });
  const inventory: CheckResult["inventory"] = {};
  for (const [address, tags] of Object.entries(result.inventory)) {
    inventory[address] = Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, boundText(v)]));
  }
  return {
    ...result,
    findings: result.findings.map(finding),
    unusedSuppressions: result.unusedSuppressions.map((s) => ({ ...s, reason: boundText(s.reason) })),
    inventory,
    ...(result.settings ? { settings: result.settings.map((x) => ({ ...x, value: boundText(x.value), evidence: boundText(x.evidence) })) } : {}),
  };
}
