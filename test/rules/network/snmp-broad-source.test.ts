import { TerraformVariable } from "cdktf";
import { addressOf, rawNsg, RuleSpec, STYLES } from "./nsg-builders";
import { snmpFromBroadSources } from "../../../src/rules/network/snmp-broad-source";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [snmpFromBroadSources];
const ID = "SDZ-NET-005";
const snmp = (src: string | string[], extra: Partial<RuleSpec> = {}): RuleSpec => ({ name: "snmp", priority: 200, access: "Allow", protocol: "Udp", src, ports: "161-162", ...extra });

describe.each(STYLES)("SDZ-NET-005 SNMP from broad sources (%s rules)", (style) => {
  test.each([["*"], ["Internet"], ["VirtualNetwork"], ["AzureCloud"], ["0.0.0.0/0"], ["10.0.0.0/16"], ["10.0.8.0/23"]])("SNMP from %s fails", (src) => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp(src)]); }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].address).toBe(addressOf(style, "snmp"));
    expect(f[0].message).toContain(`allows SNMP (UDP 161, 162) from ${src}`);
  });

  test("only the trap port, listed among other ports, fails for 162 alone", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp("Internet", { ports: ["53", "162"] })]); }, RULES);
    expect(failures(r, ID)[0].message).toContain("UDP 162)");
  });

  test("all protocols and ports from VirtualNetwork covers SNMP and fails", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp("VirtualNetwork", { protocol: "*", ports: "*" })]); }, RULES);
    expect(failures(r, ID)).toHaveLength(1);
  });

  test.each([["10.0.9.10/32"], ["10.0.9.0/24"], [["10.0.9.10", "10.0.9.11"]]])("SNMP from specific systems %p passes", (src) => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp(src as string | string[])]); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test.each([
    ["TCP 161", { protocol: "Tcp" }],
    ["UDP 163", { ports: "163" }],
    ["a deny", { access: "Deny" }],
    ["outbound", { direction: "Outbound" }],
  ])("%s from any is not SNMP inbound allowed", (_, extra) => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp("*", extra as Partial<RuleSpec>)]); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("shadowing: an earlier deny of UDP from any shadows the allow", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "deny-udp", priority: 100, access: "Deny", protocol: "Udp", ports: "*" }, snmp("Internet")]);
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a deny of 161 only leaves 162 open", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "deny-161", priority: 100, access: "Deny", protocol: "Udp", ports: "161" }, snmp("*")]);
    }, RULES);
    expect(failures(r, ID)[0].message).toContain("(UDP 162)");
  });

  test("a source from a variable is unverified", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp(new TerraformVariable(s, "src", { type: "string" }).stringValue)]); }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/could not verify: .*SNMP .*not known before apply/);
  });

  test("ports from a variable with a broad source are unverified", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [snmp("*", { ports: new TerraformVariable(s, "ports", { type: "string" }).stringValue })]); }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)).toHaveLength(1);
  });
});
