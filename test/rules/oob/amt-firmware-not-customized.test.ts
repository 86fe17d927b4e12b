import { APP, rule } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { FindingStatus } from "../../../src/engine/result";
import { RuleLevel } from "../../../src/engine/rule";
import { check, site } from "../../support/rule-harness";

const ID = "SDZ-OOB-003";
const THUMB = "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678";
const GOOD = {
  "sdz-role": "oob-service-point", [OobTags.MEBX_CUSTOM_PASSWORD]: "true", [OobTags.CA_THUMBPRINT]: THUMB,
  [OobTags.PROVISIONING_SERVER]: "10.0.1.4", [OobTags.PROVISIONING_PORT]: "24601",
};

function findings(tags: Record<string, string>, rules = [] as ReturnType<typeof rule>[]) {
  return check(site("inline", rules, { vmTags: tags }).tf, [ID]).findings.map((f) => ({ address: f.address, level: f.level, status: f.status, message: f.message }));
}

describe("SDZ-OOB-003 AMT firmware settings", () => {
  test("customized settings are accepted and shown once, as declared, not verified (info); the MEBx tag's value is never shown", () => {
    const f = findings(GOOD);
    expect(f.map((x) => [x.address, x.level, x.status])).toEqual([[APP, RuleLevel.INFO, FindingStatus.FAIL]]);
    expect(f[0].message).toContain("declared, not verified");
    expect(f[0].message).toContain(`${OobTags.MEBX_CUSTOM_PASSWORD}, ${OobTags.CA_THUMBPRINT}=${THUMB}, ${OobTags.PROVISIONING_SERVER}=10.0.1.4, ${OobTags.PROVISIONING_PORT}=24601`);
    expect(f[0].message).not.toContain(`${OobTags.MEBX_CUSTOM_PASSWORD}=`);
  });

  test.each([["false"], ["hunter2-Secret!"]])("a MEBx tag of %j is an error that does not quote the value", (value) => {
    const f = findings({ ...GOOD, [OobTags.MEBX_CUSTOM_PASSWORD]: value }).filter((x) => x.level === RuleLevel.ERROR);
    expect(f.map((x) => x.address)).toEqual([APP]);
    expect(f[0].message).not.toContain(value);
    expect(f[0].message).toMatch(value === "false" ? /no custom MEBx password is set/ : /not shown/);
  });

  test("defaults kept are one error listing each: the default server name, a malformed thumbprint, provisioning on the default port", () => {
    const f = findings({ ...GOOD, [OobTags.PROVISIONING_SERVER]: "ProvisionServer.corp.example.com", [OobTags.CA_THUMBPRINT]: "xyz", [OobTags.PROVISIONING]: "enabled", [OobTags.PROVISIONING_PORT]: "9971" })
      .filter((x) => x.level === RuleLevel.ERROR);
    expect(f.map((x) => x.address)).toEqual([APP]);
    expect(f[0].message).toMatch(/sdz-oob-ca-thumbprint tag is "xyz".*firmware default "ProvisionServer.corp.example.com".*enabled on the default port 9971/);
  });

  test("a service point that declares none of them is one warning listing what is missing", () => {
    const f = findings({ "sdz-role": "oob-service-point" });
    expect(f.map((x) => [x.address, x.level])).toEqual([[APP, RuleLevel.WARNING]]);
    expect(f[0].message).toMatch(/declares no sdz-oob-mebx-custom-password, sdz-oob-ca-thumbprint, sdz-oob-provisioning-server/);
  });

  test("untagged: a host inferred as service point (TCP 9971 opened to it) gets the same warning, naming the evidence", () => {
    const f = findings(undefined as unknown as Record<string, string>, [rule("allow-prov", 200, "Allow", "Tcp", "9971", "10.0.2.0/24")]);
    expect(f.map((x) => [x.address, x.level])).toEqual([[APP, RuleLevel.WARNING]]);
    expect(f[0].message).toMatch(/inferred: reachable on TCP 9971 through rule "allow-prov"/);
  });

  test("a setting from a variable is could-not-verify", () => {
    const f = findings({ ...GOOD, [OobTags.CA_THUMBPRINT]: "${var.thumbprint}" });
    expect(f.filter((x) => x.status === FindingStatus.UNVERIFIED).map((x) => x.address)).toEqual([APP]);
    expect(f.filter((x) => x.status === FindingStatus.UNVERIFIED)[0].message).toMatch(/variable thumbprint/);
  });

  test("hosts that are no service point are not checked", () => {
    expect(findings({ [OobTags.CA_THUMBPRINT]: "xyz" })).toEqual([]);
  });
});
