import { TerraformVariable } from "cdktf";
import { addressOf, rawNsg, RuleSpec, STYLES } from "./nsg-builders";
import { RuleLevel } from "../../../src/engine/rule";
import { wakeOnLanAllowed } from "../../../src/rules/network/wake-on-lan";
import { checkFixture, failures, unverified } from "../../support/fixtures";

const RULES = [wakeOnLanAllowed];
const ID = "SDZ-NET-006";
const wol = (extra: Partial<RuleSpec> = {}): RuleSpec => ({ name: "wol", priority: 300, access: "Allow", protocol: "Udp", src: "10.0.9.10", ports: "9", ...extra });

describe.each(STYLES)("SDZ-NET-006 Wake-on-LAN (%s rules)", (style) => {
  test.each([["9"], ["7"], ["1-10"]])("UDP %s allowed inbound, even from a specific host, warns", (ports) => {
    const r = checkFixture((s) => { rawNsg(s, style, [wol({ ports })]); }, RULES);
    const f = failures(r, ID);
    expect(f).toHaveLength(1);
    expect(f[0].level).toBe(RuleLevel.WARNING);
    expect(f[0].address).toBe(addressOf(style, "wol"));
    expect(f[0].message).toMatch(/allows Wake-on-LAN \(UDP [79, ]+\) from 10\.0\.9\.10: prefer out-of-band management/);
  });

  test("a rule opening every UDP port says it includes Wake-on-LAN", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [wol({ ports: "*" })]); }, RULES);
    expect(failures(r, ID)[0].message).toContain("opens every UDP port, including Wake-on-LAN (UDP 7, 9)");
  });

  test.each([
    ["TCP 9", { protocol: "Tcp" }],
    ["UDP 10", { ports: "10" }],
    ["a deny", { access: "Deny" }],
    ["outbound", { direction: "Outbound" }],
  ])("%s passes", (_, extra) => {
    const r = checkFixture((s) => { rawNsg(s, style, [wol(extra as Partial<RuleSpec>)]); }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("shadowing: an earlier deny of UDP 7-9 from any shadows the allow", () => {
    const r = checkFixture((s) => {
      rawNsg(s, style, [{ name: "no-wol", priority: 100, access: "Deny", protocol: "Udp", ports: "7-9" }, wol({ ports: "7-9" })]);
    }, RULES);
    expect(r.findings).toHaveLength(0);
  });

  test("a protocol from a variable is unverified", () => {
    const r = checkFixture((s) => { rawNsg(s, style, [wol({ protocol: new TerraformVariable(s, "proto", { type: "string" }).stringValue })]); }, RULES);
    expect(failures(r, ID)).toHaveLength(0);
    expect(unverified(r, ID)[0].message).toMatch(/could not verify: .*may allow Wake-on-LAN/);
  });
});
