import { TerraformVariable } from "cdktf";
import { addressOf, rawNsg, RuleSpec, STYLES } from "./nsg-builders";
import { RuleLevel } from "../../../src/engine/rule";
import { icmpDeniedWholesale } from "../../../src/rules/network/icmp-wholesale";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [icmpDeniedWholesale];
const ID = "SDZ-NET-004";
const DENY_ALL: RuleSpec = { name: "deny-all", priority: 4096, access: "Deny", protocol: "*" };
const ALLOW_ICMP_VNET: RuleSpec = { name: "allow-icmp", priority: 4095, access: "Allow", protocol: "Icmp", src: "10.0.0.0/16" };

describe.each(STYLES)("SDZ-NET-004 ICMP denied wholesale (%s rules)", (style) => {
  test("an explicit deny of all ICMP fails as a warning", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [{ name: "no-icmp", priority: 100, access: "Deny", protocol: "Icmp" }]); }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].address).toBe(addressOf(style, "no-icmp"));
    expect(f[0].message).toMatch(/inbound rule "no-icmp" \(priority 100\) denies all ICMP from \*/);
    expect(f[0].message).toMatch(/path MTU discovery/);
  });

  test("a deny-all that leaves no ICMP allowed fails", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "rdp", priority: 100, access: "Allow", protocol: "Tcp", src: "10.0.9.0/24", ports: "3389" }, DENY_ALL]);
    }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].message).toMatch(/"deny-all" \(priority 4096\) denies all traffic, ICMP included/);
  });

  test("an outbound deny-all to VirtualNetwork with no ICMP allowed fails", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [{ ...DENY_ALL, direction: "Outbound", dst: "VirtualNetwork" }]); }, RULES);
    expect(failures(r, ID)[0].message).toMatch(/outbound rule "deny-all"/);
  });

  test("a deny-all preceded by an ICMP allow passes (ICMP is restricted, not blocked)", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [ALLOW_ICMP_VNET, DENY_ALL]); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("shadowing: an ICMP allow AFTER a wholesale ICMP deny does not help", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "no-icmp", priority: 100, access: "Deny", protocol: "Icmp", src: "VirtualNetwork" }, ALLOW_ICMP_VNET, DENY_ALL]);
    }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].message).toContain('"no-icmp"');
  });

  test.each([
    ["an ICMP deny from the Internet only", { name: "d", priority: 100, access: "Deny", protocol: "Icmp", src: "Internet" }],
    ["an ICMP deny from one range", { name: "d", priority: 100, access: "Deny", protocol: "Icmp", src: "192.168.0.0/16" }],
    ["an ICMP deny to one host", { name: "d", priority: 100, access: "Deny", protocol: "Icmp", dst: "10.0.1.4" }],
    ["a deny of all protocols on some ports", { name: "d", priority: 100, access: "Deny", protocol: "*", ports: "1-1024" }],
  ])("%s is not wholesale", (_, rule) => {
    const r = checkFixture((s) => { rawNsg(s, style, [rule as RuleSpec]); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("an ICMP allow whose priority is a variable makes the deny unverified", () => {
    const r = checkFixture((s) => {
      const p = new TerraformVariable(s, "prio", { type: "number" }).numberValue;
      rawNsg(s, style, [{ ...ALLOW_ICMP_VNET, priority: p }, DENY_ALL]);
    }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/could not verify: .*unless rule "allow-icmp" allows ICMP/);
  });
});
