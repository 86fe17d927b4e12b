/**
 * Principle 3, across every pack: one rule that opens everything to the Internet is one clear error
 * (SDZ-NET-001 on the rule that does it), whatever the host behind it is (declared or inferred role),
 * and whichever NSG placement carries the rule. Other packs may report other problems of the host
 * (missing settings, dynamic IPs, default outbound rules), never this exposure a second time.
 */
import { OobTags } from "../../src/contract/oob-tags";
import { DeploymentRole } from "../../src/contract/zone-tags";
import { runRules } from "../../src/engine/engine";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { ALL_RULES } from "../../src/rules";
import { check, Placement, PLACEMENTS, rule, site, TfJson } from "../support/rule-harness";

const HOSTS: [string, Record<string, string> | undefined][] = [
  ["an untagged VM", undefined],
  ...Object.values(DeploymentRole)
    // Storage roles are not VM roles.
    .filter((r) => r !== DeploymentRole.STATE_MIGRATION_STORE && r !== DeploymentRole.DEPLOYMENT_CONTENT)
    .map((r): [string, Record<string, string>] => [`a VM declared ${r}`, { "sdz-role": r }]),
];

describe("one finding per exposure, across every pack", () => {
  describe.each(PLACEMENTS)("%s NSG rules", (placement) => {
    test.each(HOSTS)("an allow of every port from * to %s is one error: SDZ-NET-001 on the rule", (_what, vmTags) => {
      for (const src of ["*", "Internet", "0.0.0.0/0"]) {
        const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", src)], { vmTags });
        const r = check(s.tf);
        // Findings about this rule (others, e.g. on Azure's default outbound rules or the deny-all, are other problems).
        const onRule = r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && f.message.includes('"allow-all"'));
        expect(onRule.map((f) => `${f.ruleId} ${f.level}`)).toEqual(["SDZ-NET-001 error"]);
      }
    });
  });

  test("Azure's AzureLoadBalancer health-probe allow of every port draws nothing from any pack", () => {
    for (const placement of PLACEMENTS) {
      const s = site(placement, [rule("allow-probes", 100, "Allow", "*", "*", "AzureLoadBalancer")]);
      const r = check(s.tf);
      expect(r.findings.filter((f) => f.message.includes("allow-probes")).map((f) => f.ruleId)).toEqual([]);
    }
  });
});

/**
 * A rule whose values are not known before apply (a dynamic security_rule block, standalone rules from
 * for_each) that may let the Internet in: SDZ-NET-001's could-not-verify names every sensitive service
 * it may open, on the rule's resource. The service rules of the other packs (KMS-003, DOM-001, OOB-001,
 * OOB-002) leave that unknown rule to it. Where NET-001 says nothing about it (the other NSG on the path
 * denies the Internet, the sources are private) the out-of-band owner's could-not-verify (OOB-001, or
 * OOB-002 on a service point) is the one finding, naming the other services; KMS-002, KMS-003 and
 * DOM-001 leave the rule to it (test/rules/oob/cross-pack-unknown-ports.test.ts).
 */
describe("one could-not-verify per unknown rule, across every pack", () => {
  const OTHERS = ["SDZ-KMS-002", "SDZ-KMS-003", "SDZ-DOM-001", "SDZ-OOB-001", "SDZ-OOB-002"];
  const IDS = ["SDZ-NET-001", ...OTHERS];
  const U = FindingStatus.UNVERIFIED;

  /** Sorted `rule address status` of the findings of `IDS` on `at`. */
  function on(r: CheckResult, at: string): string[] {
    return r.findings.filter((f) => f.status !== FindingStatus.SUPPRESSED && f.address === at && IDS.includes(f.ruleId)).map((f) => `${f.ruleId} ${at} ${f.status}`).sort();
  }

  /**
   * The review's net-dyn shape on each placement: a dynamic block on the subnet's or the NIC's NSG, or
   * standalone rules from for_each, from `source`; a Standard public IP on the NIC. With `guard`, the
   * other NSG on the path (the NIC's, or the subnet's for a NIC-level block) denies the Internet first.
   */
  function dynamicSite(placement: Placement, opts: { guard?: boolean; vmTags?: Record<string, string> } = {}): { tf: TfJson; at: string } {
    const tf = new TfJson();
    tf.json.variable = { rules: { type: "any" }, admin_password: { type: "string" } };
    const vnet = tf.vnet("net", ["10.0.0.0/16"]);
    const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
    const pip = tf.add("azurerm_public_ip", "pip", { name: "pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" });
    const nic = tf.nic("app01_nic", subnet, "10.0.1.4", { public_ip_address_id: TfJson.ref(pip) });
    const content = {
      name: "${security_rule.value.name}", priority: "${security_rule.value.priority}", direction: "Inbound", access: "Allow", protocol: "Tcp",
      source_port_range: "*", destination_port_range: "${security_rule.value.port}", source_address_prefix: "*", destination_address_prefix: "*",
    };
    const guard = () => tf.nsg("guard", [rule("deny-internet", 100, "Deny", "*", "*", "Internet")]);
    let at: string;
    if (placement === "standalone") {
      const nsg = tf.nsg("servers_nsg");
      tf.associate(subnet, nsg);
      at = tf.nsgRule("dyn", nsg, { ...content, for_each: "${var.rules}", name: "${each.value.name}", priority: "${each.value.priority}", destination_port_range: "${each.value.port}" });
      if (opts.guard) tf.nicNsg(nic, guard());
    } else {
      at = tf.add("azurerm_network_security_group", placement === "nic" ? "nic_nsg" : "servers_nsg", { name: "nsg", location: "westeurope", resource_group_name: "rg", dynamic: { security_rule: { for_each: "${var.rules}", content } } });
      if (placement === "nic") {
        tf.nicNsg(nic, at);
        if (opts.guard) tf.associate(subnet, guard());
      } else {
        tf.associate(subnet, at);
        if (opts.guard) tf.nicNsg(nic, guard());
      }
    }
    tf.windowsVm("app01", [nic], opts.vmTags ? { tags: opts.vmTags } : {});
    return { tf, at };
  }

  test.each(PLACEMENTS)("%s: the unknown rule from * is NET-001's could-not-verify only (review case net-dyn)", (placement) => {
    const s = dynamicSite(placement);
    // Before: also SDZ-KMS-003, SDZ-DOM-001, SDZ-OOB-001 and SDZ-OOB-002 could-not-verify on the same resource, about the same block.
    expect(on(check(s.tf, IDS), s.at)).toEqual([`SDZ-NET-001 ${s.at} ${U}`]);
  });

  test.each(PLACEMENTS)("%s: the same on a declared KMS host and domain controller", (placement) => {
    const s = dynamicSite(placement, { vmTags: { "sdz-role": `${DeploymentRole.KMS_HOST},${DeploymentRole.DOMAIN_CONTROLLER}` } });
    expect(on(check(s.tf, IDS), s.at)).toEqual([`SDZ-NET-001 ${s.at} ${U}`]);
  });

  // The other NSG on the path denies the Internet: NET-001 has nothing to say, so the block is the out-of-band owner's one could-not-verify
  // (SDZ-OOB-001 on a host that is no service point), which names KMS and the domain services. Before: also SDZ-KMS-002 (and, before
  // that, SDZ-KMS-003), SDZ-DOM-001 and SDZ-OOB-002, on the same block.
  const KEPT = ["SDZ-OOB-001"];
  const GUARDED: Record<Placement, string[]> = {
    // The block's access is not known either: it may deny, so who the virtual network reaches is the block's doubt.
    inline: KEPT,
    // The for_each rules allow (access known): AllowVNetInBound decides the virtual network's reach whatever their ports; only DOM-001 reads the rule itself.
    standalone: ["SDZ-DOM-001"],
    nic: KEPT,
  };
  test.each(PLACEMENTS)("%s: where the other NSG denies the Internet, NET-001 says nothing and the out-of-band owner's could-not-verify is the one", (placement) => {
    const s = dynamicSite(placement, { guard: true });
    expect(on(check(s.tf, IDS), s.at)).toEqual(GUARDED[placement].map((id) => `${id} ${s.at} ${U}`).sort());
  });

  test.each(PLACEMENTS)("%s: ports from a variable, private sources: NET-001 says nothing, SDZ-OOB-001's could-not-verify is the one", (placement) => {
    const s = site(placement, [rule("maybe", 100, "Allow", "Tcp", "${var.ports}", "10.0.0.0/8")], { publicIp: true });
    const at = s.address("maybe");
    // Before: SDZ-DOM-001 and SDZ-KMS-002 too (and, before that, SDZ-KMS-003 and SDZ-OOB-002), about the same variable.
    expect(on(check(s.tf, IDS), at)).toEqual([`SDZ-OOB-001 ${at} ${U}`]);
  });

  test.each(PLACEMENTS)("%s: the same ports from *: NET-001's could-not-verify only", (placement) => {
    const s = site(placement, [rule("maybe", 100, "Allow", "Tcp", "${var.ports}", "*")], { publicIp: true });
    const at = s.address("maybe");
    // Before: also SDZ-DOM-001, SDZ-OOB-001 and SDZ-OOB-002.
    expect(on(check(s.tf, IDS), at)).toEqual([`SDZ-NET-001 ${at} ${U}`]);
  });

  test.each(PLACEMENTS)("%s: a service point's custom provisioning port, which NET-001 does not list, stays SDZ-OOB-002's", (placement) => {
    const s = dynamicSite(placement, {
      vmTags: {
        "sdz-role": DeploymentRole.OOB_SERVICE_POINT, [OobTags.PROVISIONING]: "enabled", [OobTags.PROVISIONING_PORT]: "9972", [OobTags.AMT_CLIENT_PREFIXES]: "10.0.20.0/24",
      },
    });
    const r = check(s.tf, IDS);
    expect(on(r, s.at)).toEqual([`SDZ-NET-001 ${s.at} ${U}`, `SDZ-OOB-002 ${s.at} ${U}`]);
    expect(r.findings.find((f) => f.ruleId === "SDZ-OOB-002")!.message).toMatch(/may allow the AMT provisioning port TCP 9972 /);
  });
});

/**
 * The rules that leave an Internet exposure to SDZ-NET-001 keep it when that rule does not run in the
 * check (excluded or not selected): no silent pass (found in review: reportedByNet001 ignored it).
 */
describe("SDZ-NET-001 not in the check: the packs report the exposure themselves", () => {
  const ALL_BUT_NET001 = ["SDZ-KMS-006", "SDZ-DOM-001", "SDZ-KMS-002", "SDZ-KMS-003", "SDZ-NET-003", "SDZ-NET-004", "SDZ-NET-005", "SDZ-NET-006", "SDZ-OOB-001", "SDZ-OOB-002", "SDZ-PXE-001"];

  test.each(PLACEMENTS)("an allow of every port from * to a domain controller (%s rules): SDZ-KMS-006 reports it", (placement) => {
    const s = site(placement, [rule("allow-all", 100, "Allow", "*", "*", "*")], { vmTags: { "sdz-role": DeploymentRole.DOMAIN_CONTROLLER } });
    const withNet001 = check(s.tf, ["SDZ-NET-001", ...ALL_BUT_NET001]);
    const without = check(s.tf, ALL_BUT_NET001);
    const failing = (r: CheckResult) => r.findings.filter((f) => f.status === FindingStatus.FAIL && f.message.includes('"allow-all"')).map((f) => f.ruleId);
    expect(failing(withNet001)).toEqual(["SDZ-NET-001"]);
    expect(failing(without)).toContain("SDZ-KMS-006");
  });

  test("a second check of the same model with other rules gets its own answer, not the first check's (review s14 F8)", () => {
    const s = site("inline", [rule("allow-all", 100, "Allow", "*", "*", "*")], { vmTags: { "sdz-role": DeploymentRole.DOMAIN_CONTROLLER } });
    const model = s.tf.model();
    const rulesOf = (ids: string[]) => ids.map((id) => ALL_RULES.find((r) => r.id === id)!);
    const summary = (r: CheckResult) => r.findings.map((f) => `${f.ruleId} ${f.address} ${f.status}`).sort();
    runRules(model, rulesOf(["SDZ-NET-001", ...ALL_BUT_NET001]));
    expect(summary(runRules(model, rulesOf(ALL_BUT_NET001)))).toEqual(summary(check(s.tf, ALL_BUT_NET001)));
    // A verdict asked before any check (every rule counted as running) is not kept for a check without SDZ-NET-001.
    const early = s.tf.model();
    expect(early.runsInCheck("SDZ-NET-001")).toBe(true);
    early.memo("test:asked-early", () => early.runsInCheck("SDZ-NET-001"));
    runRules(early, rulesOf(ALL_BUT_NET001));
    expect(early.memo("test:asked-early", () => early.runsInCheck("SDZ-NET-001"))).toBe(false);
  });
});
