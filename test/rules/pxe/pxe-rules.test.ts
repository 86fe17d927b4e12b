import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { checkRawPxe, GOOD_DP_TAGS } from "./fixtures";
import { FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { PXE_PACK } from "../../../src/rules/pxe";
import { dpMultiHomed, dpPublicIp, dpZoneTrust } from "../../../src/rules/pxe/distribution-point";
import { pxePortsFromUntrusted } from "../../../src/rules/pxe/exposure";
import { pxeZoneFlowLogs } from "../../../src/rules/pxe/flow-logs";
import {
  pxeContentTransport, pxeImageContent, pxeMulticast, pxePasswordRequired, pxeRespondAllInterfaces, pxeUnknownComputers,
} from "../../../src/rules/pxe/settings";
import { failures, unverified } from "../../support/fixtures";

const withTags = (over: Record<string, string | "var">) => ({ vmTags: { ...GOOD_DP_TAGS, ...over } });
const withoutTag = (tag: string) => {
  const t: Record<string, string> = { ...GOOD_DP_TAGS };
  delete t[tag];
  return { vmTags: t };
};

test("the compliant hand-written distribution point passes every PXE rule", () => {
  const r = checkRawPxe(PXE_PACK.rules);
  expect(r.findings).toEqual([]);
});

describe("SDZ-PXE-001 PXE ports from any, the Internet or a perimeter zone", () => {
  const rules = [pxePortsFromUntrusted];

  test.each([["*"], ["Internet"], ["0.0.0.0/0"]])("PXE ports from %s fail", (src) => {
    const f = failures(checkRawPxe(rules, { source: src }), "SDZ-PXE-001");
    expect(f.map((x) => x.address).sort()).toEqual([
      "azurerm_network_security_rule.pxe4011", "azurerm_network_security_rule.pxe67", "azurerm_network_security_rule.pxe69",
    ]);
    expect(f.find((x) => x.address.endsWith("pxe69"))!.message).toContain("TFTP (UDP 69)");
  });

  test("a source inside an on-premises perimeter range declared on a local network gateway fails", () => {
    const f = failures(checkRawPxe(rules, { source: "172.20.5.0/24", onPremPerimeter: "172.20.0.0/16" }), "SDZ-PXE-001");
    expect(f).toHaveLength(3);
    expect(f[0].message).toMatch(/overlaps PERIMETER zone branch-dmz/);
  });

  test("VirtualNetwork as a source fails when it spans a perimeter zone", () => {
    const f = failures(checkRawPxe(rules, { source: "VirtualNetwork", onPremPerimeter: "172.20.0.0/16" }), "SDZ-PXE-001");
    expect(f[0].message).toMatch(/VirtualNetwork \(spans PERIMETER zone branch-dmz\)/);
  });

  test("the TFTP data range of a distribution point opened from the Internet fails", () => {
    const f = failures(checkRawPxe(rules, { ports: ["64001-65000"], source: "Internet" }), "SDZ-PXE-001");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain("TFTP data (UDP 64001-65000)");
  });

  test("the client segment as the source passes", () => {
    expect(checkRawPxe(rules).findings).toEqual([]);
  });

  test("a PXE rule from the Internet shadowed by an earlier deny passes", () => {
    const r = checkRawPxe(rules, {
      source: "Internet",
      extra: (s, { nsg }) => new NetworkSecurityRule(s, "denyinternet", {
        name: "deny-internet", priority: 90, direction: "Inbound", access: "Deny", protocol: "*", sourcePortRange: "*",
        destinationPortRange: "*", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
      }),
    });
    expect(failures(r, "SDZ-PXE-001")).toEqual([]);
  });

  test("a source from a variable is unverified, never compliant", () => {
    const r = checkRawPxe(rules, { source: "var" });
    expect(failures(r, "SDZ-PXE-001")).toEqual([]);
    expect(unverified(r, "SDZ-PXE-001")).toHaveLength(3);
  });
});

describe("SDZ-PXE-002 public IP", () => {
  test("a DP NIC with a public IP fails", () => {
    const f = failures(checkRawPxe([dpPublicIp], { publicIp: true }), "SDZ-PXE-002");
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_network_interface.nic");
  });

  test("a DP identified only by its PXE ports (no role tag) with a public IP fails", () => {
    const f = failures(checkRawPxe([dpPublicIp], { publicIp: true, vmTags: {} }), "SDZ-PXE-002");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/exposes PXE ports through .*"pxe-67"/);
  });

  test("a DP without a public IP passes", () => {
    expect(checkRawPxe([dpPublicIp]).findings).toEqual([]);
  });

  test("a VM with other roles and a public IP is not taken for a DP by its ports", () => {
    expect(checkRawPxe([dpPublicIp], { publicIp: true, vmTags: { "sdz-role": "dns-server" } }).findings).toEqual([]);
  });
});

describe("SDZ-PXE-003 multi-homed or forwarding", () => {
  test("NICs in two subnets fail", () => {
    const f = failures(checkRawPxe([dpMultiHomed], { secondNic: true }), "SDZ-PXE-003");
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/NICs in 2 subnets \(pxe, servers\)/);
  });

  test("IP forwarding fails", () => {
    const f = failures(checkRawPxe([dpMultiHomed], { ipForwarding: true }), "SDZ-PXE-003");
    expect(f[0].message).toMatch(/IP forwarding enabled/);
  });

  test("one NIC, forwarding off, passes", () => {
    expect(checkRawPxe([dpMultiHomed], { ipForwarding: false }).findings).toEqual([]);
  });
});

describe("SDZ-PXE-004 zone trust", () => {
  test.each([["PERIMETER"], ["UNTRUSTED"]])("a DP in a %s zone fails", (trust) => {
    const f = failures(checkRawPxe([dpZoneTrust], { trust }), "SDZ-PXE-004");
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain(`${trust} zone pxe`);
  });

  test.each([["INTERNAL"], ["MANAGEMENT"]])("a DP in a %s zone passes", (trust) => {
    expect(checkRawPxe([dpZoneTrust], { trust }).findings).toEqual([]);
  });

  test("a DP in no tagged zone is unverified", () => {
    const r = checkRawPxe([dpZoneTrust], { trust: null });
    expect(failures(r, "SDZ-PXE-004")).toEqual([]);
    expect(unverified(r, "SDZ-PXE-004")[0].message).toMatch(/no zone tagged with sdz-trust/);
  });
});

describe("SDZ-PXE-005 PXE password", () => {
  test("password not required fails", () => {
    expect(failures(checkRawPxe([pxePasswordRequired], withTags({ "sdz-pxe-password-required": "false" })), "SDZ-PXE-005")).toHaveLength(1);
  });
  test("password required passes", () => {
    expect(checkRawPxe([pxePasswordRequired]).findings).toEqual([]);
  });
  test("a DP identified by its PXE ports without settings tags is unverified", () => {
    const r = checkRawPxe([pxePasswordRequired], { vmTags: {} });
    expect(failures(r, "SDZ-PXE-005")).toEqual([]);
    expect(unverified(r, "SDZ-PXE-005")[0].message).toMatch(/sdz-pxe-password-required is missing/);
  });
  test("a setting from a variable is unverified", () => {
    expect(unverified(checkRawPxe([pxePasswordRequired], withTags({ "sdz-pxe-password-required": "var" })), "SDZ-PXE-005")).toHaveLength(1);
  });
});

describe("SDZ-PXE-006 unknown computers", () => {
  test("unknown computers without a justification is an error", () => {
    const f = failures(checkRawPxe([pxeUnknownComputers], withTags({ "sdz-pxe-unknown-computers": "true" })), "SDZ-PXE-006");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.ERROR);
  });
  test("a too-short justification is still an error", () => {
    const f = failures(checkRawPxe([pxeUnknownComputers], withTags({ "sdz-pxe-unknown-computers": "true", "sdz-pxe-unknown-computers-justification": "needed" })), "SDZ-PXE-006");
    expect(f[0].level).toBe(RuleLevel.ERROR);
  });
  test("unknown computers with a justification is a warning that quotes it", () => {
    const why = "Bench VLAN with 802.1X port security, monitored by the SOC";
    const f = failures(checkRawPxe([pxeUnknownComputers], withTags({ "sdz-pxe-unknown-computers": "true", "sdz-pxe-unknown-computers-justification": why })), "SDZ-PXE-006");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].message).toContain(why);
  });
  test("known computers only passes", () => {
    expect(checkRawPxe([pxeUnknownComputers]).findings).toEqual([]);
  });
  test("a missing setting is unverified", () => {
    expect(unverified(checkRawPxe([pxeUnknownComputers], withoutTag("sdz-pxe-unknown-computers")), "SDZ-PXE-006")).toHaveLength(1);
  });
});

describe("SDZ-PXE-007 multicast", () => {
  test("multicast on an Azure DP fails, saying why", () => {
    const f = failures(checkRawPxe([pxeMulticast], withTags({ "sdz-pxe-multicast": "true" })), "SDZ-PXE-007");
    expect(f[0].message).toMatch(/Azure virtual networks carry no multicast/);
  });
  test("multicast off passes", () => {
    expect(checkRawPxe([pxeMulticast]).findings).toEqual([]);
  });
  test("a missing setting is unverified", () => {
    expect(unverified(checkRawPxe([pxeMulticast], withoutTag("sdz-pxe-multicast")), "SDZ-PXE-007")).toHaveLength(1);
  });
});

describe("SDZ-PXE-008 flow logs", () => {
  const rules = [pxeZoneFlowLogs];
  test.each([["none"], ["disabled"]] as const)("flow log %s: the PXE subnet gets a warning", (flowLog) => {
    const f = failures(checkRawPxe(rules, { flowLog }), "SDZ-PXE-008");
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].address).toBe("azurerm_subnet.pxe");
  });
  test.each([["vnet"], ["subnet"], ["nsg"], ["literal-vnet"]] as const)("a flow log on the %s passes", (flowLog) => {
    expect(checkRawPxe(rules, { flowLog }).findings).toEqual([]);
  });
  test("a flow log whose target is a variable is unverified", () => {
    const r = checkRawPxe(rules, { flowLog: "var" });
    expect(failures(r, "SDZ-PXE-008")).toEqual([]);
    expect(unverified(r, "SDZ-PXE-008")).toHaveLength(1);
  });
});

describe("SDZ-PXE-009 content transport", () => {
  test.each([["http"], ["smb"]])("%s content is a warning", (t) => {
    const f = failures(checkRawPxe([pxeContentTransport], withTags({ "sdz-pxe-content-transport": t })), "SDZ-PXE-009");
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("Enhanced HTTP passes", () => {
    expect(checkRawPxe([pxeContentTransport]).findings).toEqual([]);
  });
  test("a missing setting is unverified", () => {
    expect(unverified(checkRawPxe([pxeContentTransport], withoutTag("sdz-pxe-content-transport")), "SDZ-PXE-009")).toHaveLength(1);
  });
});

describe("SDZ-PXE-010 image content declaration", () => {
  test("images not declared free of sensitive content warn", () => {
    expect(failures(checkRawPxe([pxeImageContent], withTags({ "sdz-pxe-images-free-of-sensitive-content": "false" })), "SDZ-PXE-010")).toHaveLength(1);
  });
  test("declared images pass", () => {
    expect(checkRawPxe([pxeImageContent]).findings).toEqual([]);
  });
  test("a missing declaration is unverified", () => {
    expect(unverified(checkRawPxe([pxeImageContent], withoutTag("sdz-pxe-images-free-of-sensitive-content")), "SDZ-PXE-010")).toHaveLength(1);
  });
});

describe("SDZ-PXE-011 respond on all interfaces", () => {
  test("all interfaces on a single-NIC DP is a warning", () => {
    const f = failures(checkRawPxe([pxeRespondAllInterfaces], withTags({ "sdz-pxe-respond-all-interfaces": "true" })), "SDZ-PXE-011");
    expect(f[0].level).toBe(RuleLevel.WARNING);
  });
  test("all interfaces on a multi-NIC DP is an error", () => {
    const f = failures(checkRawPxe([pxeRespondAllInterfaces], { ...withTags({ "sdz-pxe-respond-all-interfaces": "true" }), secondNic: true }), "SDZ-PXE-011");
    expect(f[0].level).toBe(RuleLevel.ERROR);
  });
  test("PXE NIC only passes", () => {
    expect(checkRawPxe([pxeRespondAllInterfaces]).findings).toEqual([]);
  });
  test("a missing setting is unverified", () => {
    const r = checkRawPxe([pxeRespondAllInterfaces], withoutTag("sdz-pxe-respond-all-interfaces"));
    expect(r.findings.map((f) => f.status)).toEqual([FindingStatus.UNVERIFIED]);
  });
});
