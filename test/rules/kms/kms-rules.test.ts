import { FirewallPolicyRuleCollectionGroup } from "@cdktf/provider-azurerm/lib/firewall-policy-rule-collection-group";
import { IpGroup } from "@cdktf/provider-azurerm/lib/ip-group";
import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { HARDENED, rawRule, rawVm, rawZone } from "./builders";
import { runRules } from "../../../src/engine/engine";
import { TerraformModel } from "../../../src/engine/model";
import { FindingStatus } from "../../../src/engine/result";
import { RuleLevel, ruleInfo } from "../../../src/engine/rule";
import { domainServicesToBroadDestination } from "../../../src/rules/dom/domain-services";
import { KMS_PACK } from "../../../src/rules/kms";
import { kmsFromBroadSource, kmsFromLowTrustZone } from "../../../src/rules/kms/allowlist";
import { kmsOnDomainController } from "../../../src/rules/kms/colocation";
import { kmsAnonymousHardening, kmsDynamicIp, makActivationDeclared } from "../../../src/rules/kms/host";
import { kmsOrDcFromPerimeter } from "../../../src/rules/kms/perimeter-exposure";
import { MIG_PACK } from "../../../src/rules/mig";
import { checkFixture, failures, newStack, synthJson, unverified } from "../../support/fixtures";

const KMS = { "sdz-role": "kms-host" };
const DC = { "sdz-role": "domain-controller" };

/** A KMS zone (10.0.5.0/24, deny-all) with a hardened KMS VM at 10.0.5.4, plus perimeter and management zones. */
function kmsNetwork(s: Construct) {
  const kms = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL", denyAll: true });
  const dmz = rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER", denyAll: true });
  const mgmt = rawZone(s, "mgmt", { prefix: "10.0.8.0/24", trust: "MANAGEMENT", denyAll: true });
  const host = rawVm(s, "kms1", { subnet: kms.subnet, ip: "10.0.5.4", vmTags: { ...KMS, ...HARDENED } });
  return { kms, dmz, mgmt, host };
}

describe("KMS_PACK.rules metadata", () => {
  test("every rule cites a requirement and a seed; IDs are SDZ-KMS-NNN or SDZ-DOM-NNN", () => {
    for (const r of KMS_PACK.rules) {
      expect(r.id).toMatch(/^SDZ-(KMS|DOM)-\d{3}$/);
      expect(r.requirements.length).toBeGreaterThan(0);
      expect(r.rationale).toMatch(/Seed 00[34]/);
    }
    expect(new Set(KMS_PACK.rules.map((r) => r.id)).size).toBe(KMS_PACK.rules.length);
  });
});

describe("SDZ-KMS-001 KMS and domain controller on one VM", () => {
  const RULES = [kmsOnDomainController];

  test("a VM carrying both roles fails", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: { "sdz-role": "domain-controller,kms-host" } });
    }, RULES);
    const f = failures(r, "SDZ-KMS-001");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_windows_virtual_machine.dc1");
    expect(f[0].level).toBe(RuleLevel.ERROR);
  });

  test("roles split between the VM and its NIC still count", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: DC, nicTags: KMS });
    }, RULES);
    expect(failures(r, "SDZ-KMS-001")).toHaveLength(1);
  });

  test("a domain controller exposing TCP 1688 fails", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: DC });
      rawRule(s, "kms", z.nsg, { priority: 100, port: "1688", source: "10.0.2.0/24", destination: "10.0.1.4" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-001");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("exposes KMS through rule \"kms\"");
  });

  test("an untagged VM exposing both KMS and Kerberos fails", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "srv", { subnet: z.subnet, ip: "10.0.1.4" });
      rawRule(s, "kms", z.nsg, { priority: 100, port: "1688", source: "10.0.2.0/24", destination: "10.0.1.0/24" });
      rawRule(s, "kerberos", z.nsg, { priority: 110, protocol: "Udp", port: "88", source: "10.0.2.0/24", destination: "10.0.1.4/32" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-001");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("exposes KMS through rule \"kms\"");
    expect(f[0].message).toContain("UDP 88");
  });

  test("KMS and DC on separate VMs pass", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: DC });
      rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.1.5", vmTags: KMS });
      rawRule(s, "kms", z.nsg, { priority: 100, port: "1688", source: "10.0.2.0/24", destination: "10.0.1.5" });
      rawRule(s, "kerberos", z.nsg, { priority: 110, port: "88", source: "10.0.2.0/24", destination: "10.0.1.4" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("an all-ports rule is not taken for a KMS exposure", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: DC });
      rawRule(s, "mgmt", z.nsg, { priority: 100, protocol: "*", port: "*", source: "10.0.8.0/24", destination: "10.0.1.4" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("is not suppressible: a recorded suppression does not hide the finding", () => {
    expect(ruleInfo(kmsOnDomainController).suppressible).toBe(false);
    const { stack } = newStack();
    const z = rawZone(stack, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL", denyAll: true });
    rawVm(stack, "dc1", { subnet: z.subnet, ip: "10.0.1.4", vmTags: { "sdz-role": "domain-controller,kms-host" } });
    const json = synthJson(stack);
    json.resource.azurerm_windows_virtual_machine.dc1["//"] = { secure_deployment_zones: { suppressions: [{ id: "SDZ-KMS-001", reason: "we accept it" }] } };
    const r = runRules(TerraformModel.fromTerraformJson(json), RULES);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0].status).toBe(FindingStatus.FAIL);
  });
});

describe("SDZ-KMS-002 KMS from broad sources", () => {
  const RULES = [kmsFromBroadSource];

  test.each([["*"], ["Internet"], ["VirtualNetwork"], ["0.0.0.0/0"], ["AzureCloud"]])("TCP 1688 from %s fails", (src) => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: src, destination: "10.0.5.4" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-002");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_network_security_rule.kms-in");
    expect(f[0].message).toContain(src);
  });

  test("an all-ports rule from VirtualNetwork fails only where it protects a KMS host", () => {
    const onKms = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "vnet", kms.nsg, { priority: 100, protocol: "*", port: "*", source: "VirtualNetwork", destination: "*" });
    }, RULES);
    expect(failures(onKms, "SDZ-KMS-002")).toHaveLength(1);
    const elsewhere = checkFixture((s) => {
      const { mgmt } = kmsNetwork(s);
      rawRule(s, "vnet", mgmt.nsg, { priority: 100, protocol: "*", port: "*", source: "VirtualNetwork", destination: "*" });
    }, RULES);
    expect(elsewhere.findings).toHaveLength(0);
  });

  test("a firewall policy rule allowing 1688 from any fails", () => {
    const r = checkFixture((s) => {
      new FirewallPolicyRuleCollectionGroup(s, "fw", {
        name: "kms", firewallPolicyId: "/subscriptions/x/fwp", priority: 400,
        networkRuleCollection: [{ name: "kms", priority: 100, action: "Allow", rule: [{ name: "kms", protocols: ["TCP"], sourceAddresses: ["*"], destinationAddresses: ["10.0.5.4"], destinationPorts: ["1688"] }] }],
      });
    }, RULES);
    const f = failures(r, "SDZ-KMS-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('firewall rule "kms/kms"');
  });

  test("an allowlist of specific CIDRs passes, in the NSG and through a firewall IP group", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: ["10.0.1.0/24", "10.0.8.10"], destination: "10.0.5.4" });
      const g = new IpGroup(s, "clients", { name: "clients", location: "westeurope", resourceGroupName: "rg", cidrs: ["10.0.1.0/24"] });
      new FirewallPolicyRuleCollectionGroup(s, "fw", {
        name: "kms", firewallPolicyId: "/subscriptions/x/fwp", priority: 400,
        networkRuleCollection: [{ name: "kms", priority: 100, action: "Allow", rule: [{ name: "kms", protocols: ["TCP"], sourceIpGroups: [g.id], destinationAddresses: ["10.0.5.4"], destinationPorts: ["1688"] }] }],
      });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a source from a variable is unverified, never compliant", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      const v = new TerraformVariable(s, "src", { type: "string" });
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: v.stringValue, destination: "10.0.5.4" });
    }, RULES);
    expect(failures(r, "SDZ-KMS-002")).toHaveLength(0);
    expect(unverified(r, "SDZ-KMS-002")).toHaveLength(1);
  });
});

describe("SDZ-KMS-003 KMS from perimeter zones (real CIDR math)", () => {
  const RULES = [kmsFromLowTrustZone];

  test("a /28 inside a perimeter subnet listed in the allowlist is caught; the management host beside it is not the reason", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: ["10.0.8.10/32", "10.0.9.16/28"], destination: "10.0.5.4" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-003");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("10.0.9.16/28 lies in dmz (PERIMETER)");
    expect(f[0].message).not.toContain("10.0.8.10");
  });

  test("a management-zone host is accepted", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: "10.0.8.10/32", destination: "10.0.5.4" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a range that merely overlaps an untrusted on-premises range is caught", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      new LocalNetworkGateway(s, "partner", { name: "partner", location: "westeurope", resourceGroupName: "rg", gatewayAddress: "203.0.113.1", addressSpace: ["172.16.4.0/22"], tags: { "sdz-zone": "partner", "sdz-trust": "UNTRUSTED" } });
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: "172.16.0.0/16", destination: "10.0.5.4" });
    }, RULES);
    expect(failures(r, "SDZ-KMS-003")[0].message).toContain("partner (UNTRUSTED)");
  });

  test("a firewall IP group holding a perimeter range fails, and a MAK zone is named as such", () => {
    const r = checkFixture((s) => {
      rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER", denyAll: true, tags: { "sdz-activation": "mak" } });
      const g = new IpGroup(s, "clients", { name: "clients", location: "westeurope", resourceGroupName: "rg", cidrs: ["10.0.9.0/24"] });
      new FirewallPolicyRuleCollectionGroup(s, "fw", {
        name: "kms", firewallPolicyId: "/subscriptions/x/fwp", priority: 400,
        networkRuleCollection: [{ name: "kms", priority: 100, action: "Allow", rule: [{ name: "kms", protocols: ["Any"], sourceIpGroups: [g.id], destinationAddresses: ["10.0.5.4"], destinationPorts: ["1000-2000"] }] }],
      });
    }, RULES);
    const f = failures(r, "SDZ-KMS-003");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_firewall_policy_rule_collection_group.fw");
    expect(f[0].message).toContain("declared for MAK activation");
  });

  test("a source from a variable is unverified", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      const v = new TerraformVariable(s, "src", { type: "string" });
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: v.stringValue, destination: "10.0.5.4" });
    }, RULES);
    expect(failures(r, "SDZ-KMS-003")).toHaveLength(0);
    expect(unverified(r, "SDZ-KMS-003")).toHaveLength(1);
  });
});

describe("SDZ-KMS-004 KMS host with a dynamic IP", () => {
  const RULES = [kmsDynamicIp];

  test("a dynamic IP on a KMS host NIC fails", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "kms1", { subnet: z.subnet, allocation: "Dynamic", vmTags: KMS });
    }, RULES);
    const f = failures(r, "SDZ-KMS-004");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_network_interface.kms1-nic");
    expect(f[0].message).toContain("Dynamic");
  });

  test("a role on the NIC alone is enough", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      new NetworkInterface(s, "nic", { name: "n", location: "westeurope", resourceGroupName: "rg", tags: KMS, ipConfiguration: [{ name: "c", subnetId: z.subnet.id, privateIpAddressAllocation: "Dynamic" }] });
    }, RULES);
    expect(failures(r, "SDZ-KMS-004")).toHaveLength(1);
  });

  test("a static IP passes; a dynamic IP on another server is not this rule's business", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL", denyAll: true });
      rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.5.4", vmTags: KMS });
      rawVm(s, "web", { subnet: z.subnet, allocation: "Dynamic" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("an allocation from a variable is unverified", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      const v = new TerraformVariable(s, "alloc", { type: "string" });
      rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.5.4", allocation: v.stringValue, vmTags: KMS });
    }, RULES);
    expect(failures(r, "SDZ-KMS-004")).toHaveLength(0);
    expect(unverified(r, "SDZ-KMS-004")).toHaveLength(1);
  });
});

describe("SDZ-KMS-005 anonymous-access hardening", () => {
  const RULES = [kmsAnonymousHardening];

  test("a KMS host without the hardening record warns, naming every missing setting", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.5.4", vmTags: { ...KMS, "sdz-restrict-anonymous": "true" } });
    }, RULES);
    const f = failures(r, "SDZ-KMS-005");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].message).toContain("RestrictAnonymousSAM");
    expect(f[0].message).toContain("RestrictNullSessAccess");
    expect(f[0].message).toContain("SMB 1 removed");
    expect(f[0].message).not.toContain("RestrictAnonymous (");
  });

  test("a hardened KMS host passes; a non-KMS VM is not checked", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.5.4", vmTags: { ...KMS, ...HARDENED } });
      rawVm(s, "web", { subnet: z.subnet, ip: "10.0.5.5" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("SMB 1 removal is read from the shared sdz-smb1-removed=true tag (the one SDZ-MIG-009 reads), not the old sdz-smb1=removed", () => {
    const { "sdz-smb1-removed": _removed, ...withoutSmb1 } = HARDENED as Record<string, string>;
    expect(_removed).toBe("true");
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      rawVm(s, "old", { subnet: z.subnet, ip: "10.0.5.4", vmTags: { ...KMS, ...withoutSmb1, "sdz-smb1": "removed" } });
      rawVm(s, "wrong", { subnet: z.subnet, ip: "10.0.5.5", vmTags: { ...KMS, ...withoutSmb1, "sdz-smb1-removed": "false" } });
      rawVm(s, "good", { subnet: z.subnet, ip: "10.0.5.6", vmTags: { ...KMS, ...withoutSmb1, "sdz-smb1-removed": "TRUE" } });
    }, [kmsAnonymousHardening, ...MIG_PACK.rules]);
    const f = failures(r, "SDZ-KMS-005");
    expect(f.map((x) => x.address).sort()).toEqual(["azurerm_windows_virtual_machine.old", "azurerm_windows_virtual_machine.wrong"]);
    expect(f.every((x) => x.message === "the KMS host does not record SMB 1 removed (sdz-smb1-removed=true)")).toBe(true);
    expect(kmsAnonymousHardening.fix).toContain("sdz-smb1-removed=true");
    expect(kmsAnonymousHardening.fix).not.toContain("sdz-smb1=");
    // A KMS host is no state migration point: SDZ-MIG-009 stays silent on it.
    expect(r.findings.filter((x) => x.ruleId === "SDZ-MIG-009")).toEqual([]);
  });

  test("tags from a variable are unverified", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "kms", { prefix: "10.0.5.0/24", trust: "INTERNAL" });
      const { vm } = rawVm(s, "kms1", { subnet: z.subnet, ip: "10.0.5.4", nicTags: KMS });
      new TerraformVariable(s, "tags", { type: "map(string)" });
      vm.addOverride("tags", "${var.tags}");
    }, RULES);
    expect(failures(r, "SDZ-KMS-005")).toHaveLength(0);
    expect(unverified(r, "SDZ-KMS-005")).toHaveLength(1);
  });
});

describe("SDZ-KMS-006 KMS host or DC reachable from a perimeter zone", () => {
  const RULES = [kmsOrDcFromPerimeter];

  test("a DC zone without a deny-all is reachable through AllowVNetInBound", () => {
    const r = checkFixture((s) => {
      rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER", denyAll: true });
      const id = rawZone(s, "identity", { prefix: "10.0.1.0/24", trust: "INTERNAL" });
      rawVm(s, "dc1", { subnet: id.subnet, ip: "10.0.1.4", vmTags: DC });
      rawRule(s, "kerberos", id.nsg, { priority: 100, port: "88", source: "10.0.2.0/24", destination: "10.0.1.4" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-006");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_windows_virtual_machine.dc1");
    expect(f[0].message).toContain("domain controller is reachable from PERIMETER zone dmz");
    expect(f[0].message).toContain("AllowVNetInBound");
  });

  test("an explicit allow from the perimeter prefix (any port) fails even with a deny-all", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "rdp", kms.nsg, { priority: 100, port: "3389", source: "10.0.9.0/25", destination: "10.0.5.0/24" });
    }, RULES);
    const f = failures(r, "SDZ-KMS-006");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("KMS host is reachable from PERIMETER zone dmz");
    expect(f[0].message).toContain('rule "rdp"');
  });

  test("a host with no NSG at all is reachable", () => {
    const r = checkFixture((s) => {
      rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER" });
      const subnet = new Subnet(s, "bare", { name: "bare", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.0.6.0/24"] });
      rawVm(s, "kms1", { subnet, ip: "10.0.6.4", vmTags: KMS });
    }, RULES);
    expect(failures(r, "SDZ-KMS-006")[0].message).toContain("has no NSG");
  });

  test("deny-all with allows from internal clients only, and ICMP from the VNet, passes", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      rawRule(s, "kms-in", kms.nsg, { priority: 100, port: "1688", source: "10.0.1.0/24", destination: "10.0.5.4" });
      rawRule(s, "icmp", kms.nsg, { priority: 4095, protocol: "Icmp", port: "*", source: "10.0.0.0/16", destination: "10.0.5.0/24" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("an allow from a variable source is unverified", () => {
    const r = checkFixture((s) => {
      const { kms } = kmsNetwork(s);
      const v = new TerraformVariable(s, "src", { type: "string" });
      rawRule(s, "x", kms.nsg, { priority: 100, port: "3389", source: v.stringValue, destination: "10.0.5.4" });
    }, RULES);
    expect(failures(r, "SDZ-KMS-006")).toHaveLength(0);
    expect(unverified(r, "SDZ-KMS-006")).toHaveLength(1);
  });
});

describe("SDZ-KMS-007 MAK activation declared", () => {
  test("a zone tagged sdz-activation=mak is listed as info with its justification", () => {
    const r = checkFixture((s) => {
      rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER", tags: { "sdz-activation": "mak", "sdz-activation-justification": "web servers in the DMZ" } });
    }, [makActivationDeclared]);
    const f = failures(r, "SDZ-KMS-007");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.INFO);
    expect(f[0].message).toBe("zone dmz (PERIMETER) activates with MAK, not KMS: web servers in the DMZ");
    expect(r.inventory["azurerm_network_security_group.dmz-nsg"]["sdz-activation"]).toBe("mak");
  });

  test("a zone without the tag is not listed", () => {
    const r = checkFixture((s) => {
      rawZone(s, "dmz", { prefix: "10.0.9.0/24", trust: "PERIMETER" });
    }, [makActivationDeclared]);
    expect(r.findings).toHaveLength(0);
  });
});

describe("SDZ-DOM-001 domain services towards broad destinations", () => {
  const RULES = [domainServicesToBroadDestination];

  test.each([
    ["Kerberos to any", "Tcp", "88", "*", "Inbound"],
    ["LDAP to a whole subnet", "Tcp", "389", "10.0.1.0/24", "Inbound"],
    ["DNS to VirtualNetwork, outbound", "Udp", "53", "VirtualNetwork", "Outbound"],
    ["Global Catalog range to a subnet", "Tcp", "3268-3269", "10.0.1.0/24", "Inbound"],
  ])("%s warns", (_, protocol, port, destination, direction) => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL" });
      rawRule(s, "svc", z.nsg, { priority: 100, protocol, port, source: "10.0.2.0/24", destination, direction });
    }, RULES);
    const f = failures(r, "SDZ-DOM-001");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].message).toContain(destination);
  });

  test("rules towards the DC addresses pass; an all-ports rule is not a domain-service rule", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL" });
      rawRule(s, "kerberos", z.nsg, { priority: 100, port: "88", source: "10.0.2.0/24", destination: ["10.0.1.4", "10.0.1.5/32"] });
      rawRule(s, "dns", z.nsg, { priority: 110, protocol: "Udp", port: "53", source: "10.0.2.0/24", destination: "10.0.1.4" });
      rawRule(s, "all", z.nsg, { priority: 120, protocol: "*", port: "*", source: "10.0.8.0/24", destination: "10.0.1.0/24" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a destination from a variable is unverified", () => {
    const r = checkFixture((s) => {
      const z = rawZone(s, "id", { prefix: "10.0.1.0/24", trust: "INTERNAL" });
      const v = new TerraformVariable(s, "dst", { type: "string" });
      rawRule(s, "kerberos", z.nsg, { priority: 100, port: "88", source: "10.0.2.0/24", destination: v.stringValue });
    }, RULES);
    expect(failures(r, "SDZ-DOM-001")).toHaveLength(0);
    expect(unverified(r, "SDZ-DOM-001")).toHaveLength(1);
  });
});
