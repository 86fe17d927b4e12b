import * as fs from "fs";
import { Testing } from "cdktf";
import { DOC_PATH, README_PATH, renderDoc, renderReadmeExcerpt, runAudit, STACK_NAME } from "../../examples/legacy-site-audit/audit";
import { LegacySiteAudit } from "../../examples/legacy-site-audit/main";
import { SecureDeploymentChecks } from "../../src";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { ALL_RULES } from "../../src/rules";

/**
 * Every (rule, level, status) the legacy site raises, pinned. A new rule pack that flags this site, or
 * a rule that stops flagging it, changes this list on purpose: update it and regenerate
 * docs/legacy-site-audit.md (see that page).
 */
const PINNED = [
  "SDZ-DOM-001 warning fail",
  "SDZ-KMS-001 error fail",
  "SDZ-KMS-002 error fail",
  "SDZ-KMS-004 error fail",
  "SDZ-KMS-005 warning fail",
  "SDZ-KMS-006 error fail",
  "SDZ-MIG-001 warning fail",
  "SDZ-MIG-003 warning fail",
  "SDZ-MIG-004 warning fail",
  "SDZ-MIG-005 warning fail",
  "SDZ-MIG-006 warning fail",
  "SDZ-MIG-008 warning fail",
  "SDZ-MIG-010 info fail",
  "SDZ-NET-001 error fail",
  "SDZ-NET-003 error fail",
  "SDZ-PXE-001 error fail",
  "SDZ-PXE-004 error fail",
  "SDZ-PXE-005 warning unverified",
  "SDZ-PXE-008 warning fail",
  "SDZ-PXE-012 error fail",
  "SDZ-SEC-001 warning fail",
  "SDZ-SEC-003 info fail",
  "SDZ-VPN-002 error fail",
  "SDZ-VPN-003 error fail",
  "SDZ-VPN-005 warning fail",
  "SDZ-VPN-006 warning fail",
  "SDZ-VPN-007 warning fail",
  "SDZ-VPN-011 warning fail",
];

describe("examples/legacy-site-audit", () => {
  const run = runAudit();

  test("raises exactly the pinned rule IDs, levels and statuses", () => {
    const raised = [...new Set(run.result.findings.map((f) => `${f.ruleId} ${f.level} ${f.status}`))].sort();
    expect(raised).toEqual([...PINNED].sort());
  });

  test("each insecure pattern is reported on the resource that has it", () => {
    const at = (id: string) => [...new Set(run.result.findings.filter((f) => f.ruleId === id).map((f) => f.address))];
    expect(at("SDZ-KMS-001")).toEqual(["azurerm_windows_virtual_machine.dc01"]); // KMS on the DC
    expect(at("SDZ-KMS-002")).toEqual(["azurerm_network_security_group.servers_nsg"]); // 1688 from VirtualNetwork
    // VirtualNetwork holds the DMZ: SDZ-KMS-002's finding on that rule names it; SDZ-KMS-003 leaves the rule to it (one finding per exposure).
    expect(at("SDZ-KMS-003")).toEqual([]);
    expect(run.result.findings.find((f) => f.ruleId === "SDZ-KMS-002")!.message).toMatch(/from VirtualNetwork .*; among them .*PERIMETER zone dmz .*which must activate with MAK \(R-KMS-3\)/);
    expect(at("SDZ-KMS-006")).toEqual(["azurerm_windows_virtual_machine.dc01"]); // the DMZ reaches the DC through AllowVNetInBound
    expect(at("SDZ-MIG-001")).toEqual(["azurerm_storage_account.content"]); // SMB 2.1
    expect(at("SDZ-PXE-004")).toEqual(["azurerm_windows_virtual_machine.pxe01"]); // PXE in the DMZ
    expect(at("SDZ-PXE-001")).toEqual(["azurerm_network_security_group.dmz_nsg"]); // PXE ports from the Internet
    expect(at("SDZ-PXE-012")).toEqual(["azurerm_network_security_group.dmz_nsg"]); // PXE ports to every host of the DMZ
    expect(at("SDZ-VPN-002")).toEqual(["azurerm_virtual_network_gateway_connection.branch_tunnel"]); // DH group 2, no PFS
    expect(at("SDZ-NET-001")).toEqual(["azurerm_network_security_group.servers_nsg"]); // RDP from the Internet
    // no deny-all: the servers zone (declared INTERNAL) and the DMZ that holds the PXE distribution point
    expect(at("SDZ-NET-003")).toEqual(["azurerm_network_security_group.dmz_nsg", "azurerm_network_security_group.servers_nsg"]);
  });

  test("with every sdz-* tag stripped, the configuration alone draws at least the same errors", () => {
    // Users' resources carry no tags: roles and trust inferred from the configuration must see what the tags said.
    const json = JSON.parse(JSON.stringify(run.json)) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    for (const byName of Object.values(json.resource)) {
      for (const body of Object.values(byName)) {
        for (const block of ["tags", "metadata"]) {
          const tags = body[block] as Record<string, unknown> | undefined;
          if (tags && typeof tags === "object") for (const key of Object.keys(tags)) if (/^sdz[-_]/i.test(key)) delete tags[key];
        }
      }
    }
    expect(JSON.stringify(json.resource)).not.toMatch(/"sdz[-_]/i);
    const untagged = runRules(TerraformModel.fromTerraformJson(json, { name: STACK_NAME }), ALL_RULES);
    const errors = (r: typeof untagged) => [...new Set(r.findings.filter((f) => f.level === RuleLevel.ERROR && f.status === FindingStatus.FAIL).map((f) => `${f.ruleId} ${f.address}`))].sort();
    // One exposure, one finding: untagged, the DMZ is inferred PERIMETER only because of allow-pxe (UDP 67, 69, 4011 from the
    // Internet), which is SDZ-PXE-001's error on dmz_nsg; SDZ-PXE-004 leaves it to that finding and asks for the zone's trust
    // (could-not-verify). Tagged, the DMZ is declared PERIMETER, and SDZ-PXE-004's error stands on its own.
    const merged = new Map([["SDZ-PXE-004 azurerm_windows_virtual_machine.pxe01", "SDZ-PXE-001 azurerm_network_security_group.dmz_nsg"]]);
    const missing = errors(run.result).filter((e) => !errors(untagged).includes(e) && !(merged.has(e) && errors(untagged).includes(merged.get(e)!)));
    expect(missing).toEqual([]);
    expect(untagged.findings.filter((f) => f.ruleId === "SDZ-PXE-004" && f.status === FindingStatus.UNVERIFIED).map((f) => f.address)).toEqual(["azurerm_windows_virtual_machine.pxe01"]);
    expect(untagged.counts.errors).toBeGreaterThanOrEqual(run.result.counts.errors - merged.size);
  });

  test("the command line fails on it (exit code 1) and prints every finding", () => {
    expect(run.exitCode).toBe(1);
    for (const id of new Set(run.result.findings.map((f) => f.ruleId))) expect(run.stdout).toContain(id);
    expect(run.stdout).toMatch(new RegExp(`^FAILED: ${run.result.counts.errors} errors?,`, "m"));
  });

  test("cdktf synth with the checks applied fails with [RULE-ID] errors", () => {
    const app = Testing.app();
    const stack = new LegacySiteAudit(app, "legacy-site-audit");
    new SecureDeploymentChecks({ writeReports: false }).applyToStack(stack);
    expect(() => Testing.fullSynth(stack)).toThrow(/\[SDZ-KMS-001\][\s\S]*azurerm_windows_virtual_machine\.dc01/);
  });

  test("the README's excerpt is the output of a fresh run", () => {
    const readme = fs.readFileSync(README_PATH, "utf8");
    if (!readme.includes(renderReadmeExcerpt(run))) {
      throw new Error("README.md's legacy-site-audit excerpt is stale: run `npm run docs:audit` (or `npm run docs` for every generated document)");
    }
  });

  test("docs/legacy-site-audit.md is the output of a fresh run", () => {
    const doc = fs.readFileSync(DOC_PATH, "utf8");
    const fresh = renderDoc(run);
    if (doc !== fresh) {
      throw new Error("docs/legacy-site-audit.md is stale: run `npm run docs:audit` (or `npm run docs` for every generated document)");
    }
  });
});
