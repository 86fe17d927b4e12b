import { extension, pxeRule, tag } from "./builders";
import { FindingStatus } from "../../../src/engine/result";
import { check, messages, site } from "../../support/rule-harness";

/**
 * A distribution point that records none of its Configuration Manager settings (an untagged VM the checks take for one from
 * the network or a script) is one problem: the settings are not declared. It is one could-not-verify on the VM, from the first
 * of the settings rules that runs (SDZ-PXE-005), naming every missing sdz-pxe-* tag and the rule that reads it; the other
 * rules leave a missing tag to it. A tag that is there keeps its own rule's finding (a bad value, an unreadable one).
 */
const SETTINGS_RULES = ["SDZ-PXE-005", "SDZ-PXE-006", "SDZ-PXE-007", "SDZ-PXE-009", "SDZ-PXE-010", "SDZ-PXE-011", "SDZ-PXE-014"];
const VM = "azurerm_windows_virtual_machine.app01";

/** (rule, address, status) of the settings rules' findings, sorted. */
function settingsFindings(r: ReturnType<typeof check>): string[] {
  return r.findings.filter((f) => SETTINGS_RULES.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
}

/** Untagged VM app01 (10.0.1.4) that a PXE allow from 10.0.2.0/24 makes a distribution point (inferred from the network). */
const byNetwork = (tags?: Record<string, string>) => site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], { vmTags: tags });
/** Untagged VM app01 behind a deny-all, made a distribution point by a script that installs WDS (inferred from the script). */
const byScript = () => site("inline", [], { extend: (tf, s) => extension(tf, "wds", s.vm, "Install-WindowsFeature WDS -IncludeManagementTools") });

const ALL_MISSING = [
  ["sdz-pxe-password-required", "SDZ-PXE-005"], ["sdz-pxe-unknown-computers", "SDZ-PXE-006"], ["sdz-pxe-multicast", "SDZ-PXE-007"],
  ["sdz-pxe-content-transport", "SDZ-PXE-009"], ["sdz-pxe-images-free-of-sensitive-content", "SDZ-PXE-010"], ["sdz-pxe-respond-all-interfaces", "SDZ-PXE-011"],
];

describe("a distribution point whose ConfigMgr PXE settings are not recorded: one could-not-verify", () => {
  test.each([["inferred from the network", byNetwork], ["inferred from a script", byScript]])("%s", (_d, build) => {
    const r = check(build().tf);
    // Before: one could-not-verify per rule (SDZ-PXE-005, 006, 007, 009, 010, 011), each for its own missing tag.
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`]);
    const [message] = messages(r, "SDZ-PXE-005");
    for (const [key, rule] of ALL_MISSING) expect(message).toContain(`${key}, ${rule}`);
    expect(message).not.toContain("sdz-pxe-multicast-encryption"); // read only with multicast on
  });

  test("SDZ-PXE-005 excluded: the next settings rule that runs says it, without the password", () => {
    const r = check(byNetwork().tf, SETTINGS_RULES.filter((id) => id !== "SDZ-PXE-005"));
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-006 ${VM} ${FindingStatus.UNVERIFIED}`]);
    const [message] = messages(r, "SDZ-PXE-006");
    for (const [key, rule] of ALL_MISSING.slice(1)) expect(message).toContain(`${key}, ${rule}`);
    expect(message).not.toContain("sdz-pxe-password-required");
  });

  test("an excluded rule's setting is not listed", () => {
    const r = check(byNetwork().tf, SETTINGS_RULES.filter((id) => id !== "SDZ-PXE-010"));
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`]);
    expect(messages(r, "SDZ-PXE-005")[0]).not.toContain("sdz-pxe-images-free-of-sensitive-content");
  });

  test("a tag that says a bad value keeps its rule's finding; multicast on adds the encryption to the missing ones", () => {
    const r = check(byNetwork({ "sdz-pxe-password-required": "false", "sdz-pxe-multicast": "true" }).tf);
    expect(settingsFindings(r)).toEqual([
      `SDZ-PXE-005 ${VM} ${FindingStatus.FAIL}`,
      `SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`,
      `SDZ-PXE-007 ${VM} ${FindingStatus.FAIL}`,
    ]);
    const unrecorded = messages(r, "SDZ-PXE-005").find((m) => m.startsWith("could not verify"))!;
    expect(unrecorded).toContain("sdz-pxe-multicast-encryption, SDZ-PXE-014");
    expect(unrecorded).not.toMatch(/sdz-pxe-password-required|sdz-pxe-multicast,/);
  });

  test("a tag that cannot be read keeps its rule's own could-not-verify", () => {
    const r = check(byNetwork({ "sdz-pxe-multicast": "${var.multicast}", "sdz-pxe-content-transport": "ftp" }).tf);
    expect(settingsFindings(r)).toEqual([
      `SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`,
      `SDZ-PXE-007 ${VM} ${FindingStatus.UNVERIFIED}`,
      `SDZ-PXE-009 ${VM} ${FindingStatus.UNVERIFIED}`,
    ]);
    expect(messages(r, "SDZ-PXE-005")[0]).not.toMatch(/sdz-pxe-multicast|sdz-pxe-content-transport/);
  });

  test("the VM's whole tags block not known before apply: one could-not-verify naming every setting, not one per rule", () => {
    const s = site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], { extend: (tf, { vm }) => tag(tf, vm, "${var.tags}") });
    const r = check(s.tf);
    // Before: six could-not-verify findings, each "... cannot be read (its tags are not known before apply (...))".
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`]);
    const [message] = messages(r, "SDZ-PXE-005");
    expect(message).toMatch(/its tags are not known before apply \(the variable tags is only known at plan time\), so /);
    for (const [key, rule] of ALL_MISSING) expect(message).toContain(`${key}, ${rule}`);
  });

  test("every setting recorded: no finding", () => {
    const r = check(byNetwork({
      "sdz-pxe-password-required": "true", "sdz-pxe-unknown-computers": "false", "sdz-pxe-multicast": "false", "sdz-pxe-content-transport": "enhanced-http",
      "sdz-pxe-images-free-of-sensitive-content": "true", "sdz-pxe-respond-all-interfaces": "false",
    }).tf);
    expect(settingsFindings(r)).toEqual([]);
  });
});

/**
 * Windows Deployment Services' own answer policy, set by a script on the distribution point (review-fp F11): it decides
 * whether unknown computers are answered whatever a tag declares, so SDZ-PXE-006 judges it, and SDZ-PXE-005's finding no
 * longer lists sdz-pxe-unknown-computers as missing.
 */
describe("a WDS answer policy set by a script on the distribution point", () => {
  const wds = (script: string, tags?: Record<string, string>) => site("inline", [], {
    vmTags: tags, extend: (tf, s) => extension(tf, "wds", s.vm, `Install-WindowsFeature WDS; wdsutil /initialize-server /reminst:D:\\RemoteInstall; ${script}`),
  });

  test("/AnswerClients:All answers unknown computers: SDZ-PXE-006 fails, naming the script", () => {
    const r = check(wds("wdsutil /set-server /answerclients:all").tf);
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`, `SDZ-PXE-006 ${VM} ${FindingStatus.FAIL}`]);
    expect(messages(r, "SDZ-PXE-006")[0]).toMatch(/answers unknown computers \(azurerm_virtual_machine_extension\.wds runs wdsutil \/Set-Server \/AnswerClients:all\) without a written justification/);
    expect(messages(r, "SDZ-PXE-005")[0]).not.toContain("sdz-pxe-unknown-computers");
  });

  test("/AnswerClients:Known is no evidence of ConfigMgr's setting: the tag is still missing, and a tag that says true still fails", () => {
    const r = check(wds("wdsutil.exe /Set-Server /AnswerClients:Known").tf);
    expect(settingsFindings(r)).toEqual([`SDZ-PXE-005 ${VM} ${FindingStatus.UNVERIFIED}`]);
    expect(messages(r, "SDZ-PXE-005")[0]).toContain("sdz-pxe-unknown-computers");
    // Review s14 F3: the script's Known hid a declared true (a false pass).
    const declared = check(wds("wdsutil /set-server /answerclients:known", { "sdz-pxe-unknown-computers": "true" }).tf, ["SDZ-PXE-006"]);
    expect(declared.findings.map((f) => `${f.ruleId} ${f.status}`)).toEqual([`SDZ-PXE-006 ${FindingStatus.FAIL}`]);
  });

  test("All beside a tag that says false: which of ConfigMgr and WDS answers is not known (could not verify, naming both)", () => {
    const r = check(wds("wdsutil /set-server /answerclients:all", { "sdz-pxe-unknown-computers": "false" }).tf, ["SDZ-PXE-006"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.status}`)).toEqual([`SDZ-PXE-006 ${FindingStatus.UNVERIFIED}`]);
    expect(messages(r, "SDZ-PXE-006")[0]).toMatch(/sdz-pxe-unknown-computers=false .* and azurerm_virtual_machine_extension\.wds runs wdsutil \/Set-Server \/AnswerClients:all say different things/);
  });

  test("All beside a tag that says true: one finding, naming the script", () => {
    const r = check(wds("wdsutil /set-server /answerclients:all", { "sdz-pxe-unknown-computers": "true" }).tf, ["SDZ-PXE-006"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.status}`)).toEqual([`SDZ-PXE-006 ${FindingStatus.FAIL}`]);
    expect(messages(r, "SDZ-PXE-006")[0]).toContain("runs wdsutil /Set-Server /AnswerClients:all");
  });

  test("two scripts that leave different policies, which nothing orders: could not verify, naming both", () => {
    const s = wds("wdsutil /set-server /answerclients:known");
    extension(s.tf, "wds2", s.vm, "wdsutil /set-server /answerclients:all");
    const r = check(s.tf, ["SDZ-PXE-006"]);
    expect(r.findings.map((f) => `${f.ruleId} ${f.status}`)).toEqual([`SDZ-PXE-006 ${FindingStatus.UNVERIFIED}`]);
    expect(messages(r, "SDZ-PXE-006")[0]).toMatch(/\/AnswerClients:known by azurerm_virtual_machine_extension\.wds; \/AnswerClients:all by azurerm_virtual_machine_extension\.wds2/);
  });
});
