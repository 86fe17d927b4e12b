import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { TerraformVariable } from "cdktf";
import { addressOf, rawNsg, rawSubnet, RuleSpec, STYLES } from "./nsg-builders";
import { vnetInboundNotOverridden } from "../../../src/rules/network/vnet-inbound-override";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [vnetInboundNotOverridden];
const ID = "SDZ-NET-003";
const ZONE = (trust: string) => ({ "sdz-zone": "servers", "sdz-trust": trust });
const ALLOW_RDP: RuleSpec = { name: "rdp-from-mgmt", priority: 100, access: "Allow", protocol: "Tcp", src: "10.0.9.0/24", ports: "3389" };

describe.each(STYLES)("SDZ-NET-003 AllowVNetInBound not overridden (%s rules)", (style) => {
  test.each([["INTERNAL"], ["MANAGEMENT"], ["internal"]])("a %s zone with only allows fails and explains AllowVNetInBound", (trust) => {
    const r = checkFixture((s) => { rawNsg(s, style, [ALLOW_RDP], { tags: ZONE(trust) }); }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe("azurerm_network_security_group.nsg");
    expect(f[0].message).toMatch(/AllowVNetInBound \(priority 65000\)/);
    expect(f[0].message).toMatch(/every subnet of the VNet, every peered VNet and every VPN/);
  });

  test.each([["*"], ["VirtualNetwork"], ["0.0.0.0/0"]])("a deny-all from %s overrides it", (src) => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [ALLOW_RDP, { name: "deny-all", priority: 4096, access: "Deny", protocol: "*", src }], { tags: ZONE("INTERNAL") });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a deny-all whose destination is the zone's subnet prefix overrides it", () => {
    const r = checkFixture((s) => {
      const nsg = rawNsg(s, style, [{ name: "deny-all", priority: 4000, access: "Deny", protocol: "*", dst: "10.0.1.0/24" }], { tags: ZONE("INTERNAL") });
      rawSubnet(s, "servers", "10.0.1.0/24", nsg);
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test.each([
    ["a deny of TCP only", { protocol: "Tcp" }],
    ["a deny of some ports", { ports: "1-1024" }],
    ["a deny from 10.0.0.0/8 (peered or VPN ranges elsewhere stay open)", { src: "10.0.0.0/8" }],
    ["a deny from the Internet tag", { src: "Internet" }],
    ["an outbound deny-all", { direction: "Outbound" }],
  ])("%s does not override it", (_, override) => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "deny", priority: 4096, access: "Deny", protocol: "*", ...override } as RuleSpec], { tags: ZONE("MANAGEMENT") });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(1);
  });

  test("PERIMETER, UNTRUSTED and untagged NSGs are not checked", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [ALLOW_RDP], { id: "dmz", tags: ZONE("PERIMETER") });
      rawNsg(s, style, [], { id: "untrusted", tags: ZONE("UNTRUSTED") });
      rawNsg(s, style, [], { id: "plain" });
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("shadowing: an allow of all traffic from VirtualNetwork before the deny re-opens the zone", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [
        { name: "allow-vnet", priority: 200, access: "Allow", protocol: "*", src: "VirtualNetwork" },
        { name: "deny-all", priority: 4096, access: "Deny", protocol: "*" },
      ], { tags: ZONE("INTERNAL") });
    }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe(addressOf(style, "allow-vnet"));
    expect(f[0].message).toMatch(/"allow-vnet" \(priority 200\) allows all traffic from VirtualNetwork before the deny/);
  });

  test("a deny whose source is a variable is unverified", () => {
    const r = checkFixture((s) => {
      const src = new TerraformVariable(s, "src", { type: "string" }).stringValue;
      rawNsg(s, style, [{ name: "deny-all", priority: 4096, access: "Deny", protocol: "*", src }], { tags: ZONE("INTERNAL") });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/could not verify: .*unless rule "deny-all".*not known before apply/);
  });
});

describe("SDZ-NET-003 unknown values", () => {
  test("a trust tag from a variable is unverified when the deny is missing", () => {
    const r = checkFixture((s) => {
      const trust = new TerraformVariable(s, "trust", { type: "string" }).stringValue;
      new NetworkSecurityGroup(s, "nsg", { name: "n", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "z", "sdz-trust": trust } });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/sdz-trust tag is not known before apply/);
  });

  test("a trust tag that is not a trust level is unverified", () => {
    const r = checkFixture((s) => {
      new NetworkSecurityGroup(s, "nsg", { name: "n", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-trust": "high" } });
    }, RULES);
    expect(unverified(r, ID)[0].message).toMatch(/"high" is not a trust level/);
  });

  test("a standalone deny rule whose NSG name is a variable makes a missing deny unverified", () => {
    const r = checkFixture((s) => {
      rawNsg(s, "inline", [], { tags: ZONE("INTERNAL") });
      const nsgName = new TerraformVariable(s, "nsg_name", { type: "string" }).stringValue;
      new NetworkSecurityRule(s, "deny", {
        name: "deny-all", priority: 4096, direction: "Inbound", access: "Deny", protocol: "*", sourcePortRange: "*", destinationPortRange: "*",
        sourceAddressPrefix: "*", destinationAddressPrefix: "*", resourceGroupName: "rg", networkSecurityGroupName: nsgName,
      });
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)).toHaveLength(1);
  });
});
