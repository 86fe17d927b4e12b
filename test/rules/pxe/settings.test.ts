import { dpTags, pxeRule, runCommand, secondVm, zone } from "./builders";
import { RuleLevel } from "../../../src/engine/rule";
import { check, flagged, messages, site, SiteOptions, unverifiedAt } from "../../support/rule-harness";

/** A distribution point (app01, 10.0.1.4) with its PXE rule and the given VM tags. */
type Extend = NonNullable<SiteOptions["extend"]>;
const dp = (tags: Record<string, string>, extend?: Extend) => site("inline", [pxeRule("allow-pxe", "10.0.2.0/24")], { vmTags: tags, extend });
const levels = (r: ReturnType<typeof check>, id: string) => r.findings.filter((f) => f.ruleId === id).map((f) => f.level);

/** Connects a script to the SMS Provider on the VM it runs on: what makes that VM a site server for the checks. */
const CONNECT = "New-PSDrive -Name P01 -PSProvider CMSite -Root $env:COMPUTERNAME; Set-Location P01:\n";

/** A ConfigMgr site server (cm01, in its own subnet) whose run command applies settings on app01. */
const siteServer = (script: string): Extend => (tf, p) => {
  zone(tf, p.vnet, "sitesystems", "10.0.8.0/24", { trust: "INTERNAL" });
  const { vm } = secondVm(tf, "cm01", "10.0.8.4", undefined, "azurerm_subnet.sitesystems");
  runCommand(tf, "pxe_settings", vm, CONNECT + script);
};

describe.each([
  ["SDZ-PXE-005", "sdz-pxe-password-required", "false", "true", RuleLevel.ERROR, /does not require a password for PXE boot/],
  ["SDZ-PXE-006", "sdz-pxe-unknown-computers", "true", "false", RuleLevel.ERROR, /answers unknown computers without a written justification/],
  ["SDZ-PXE-007", "sdz-pxe-multicast", "true", "false", RuleLevel.ERROR, /multicast enabled, but Azure virtual networks carry no multicast/],
  ["SDZ-PXE-009", "sdz-pxe-content-transport", "smb", "enhanced-http", RuleLevel.WARNING, /serves content over smb, not Enhanced HTTP/],
  ["SDZ-PXE-010", "sdz-pxe-images-free-of-sensitive-content", "false", "true", RuleLevel.WARNING, /not declared free of line-of-business or sensitive content/],
  ["SDZ-PXE-011", "sdz-pxe-respond-all-interfaces", "true", "false", RuleLevel.WARNING, /answers PXE on every network interface/],
] as const)("%s (%s)", (id, key, bad, good, level, message) => {
  test(`${key}=${bad} is flagged on the distribution point at ${level}`, () => {
    const s = dp(dpTags({ [key]: bad }));
    const r = check(s.tf, [id]);
    expect(flagged(r, id)).toEqual([s.vm]);
    expect(levels(r, id)).toEqual([level]);
    expect(messages(r, id)[0]).toMatch(message);
  });

  test(`${key}=${good} passes`, () => {
    expect(check(dp(dpTags({ [key]: good })).tf, [id]).findings).toEqual([]);
  });

  test("missing, from a variable or not an allowed value: could-not-verify, naming the tag", () => {
    for (const tags of [dpTags({ [key]: undefined }), dpTags({ [key]: "${var.setting}" }), dpTags({ [key]: "maybe" })]) {
      const s = dp(tags);
      const r = check(s.tf, [id]);
      expect(flagged(r, id)).toEqual([]);
      expect(unverifiedAt(r, id)).toEqual([s.vm]);
      expect(messages(r, id)[0]).toContain(key);
    }
  });

  test("an untagged distribution point (inferred from its PXE rule) has nothing recorded: could-not-verify", () => {
    const s = dp({});
    expect(unverifiedAt(check(s.tf, [id]), id)).toEqual([s.vm]);
  });
});

describe("SDZ-PXE-006 unknown computers with a justification", () => {
  const ID = "SDZ-PXE-006";
  test("a written justification makes it a warning that quotes it; a short one stays an error", () => {
    const why = "Bench VLAN with 802.1X port security, monitored by the SOC";
    let r = check(dp(dpTags({ "sdz-pxe-unknown-computers": "true", "sdz-pxe-unknown-computers-justification": why })).tf, [ID]);
    expect(levels(r, ID)).toEqual([RuleLevel.WARNING]);
    expect(messages(r, ID)[0]).toContain(why);
    r = check(dp(dpTags({ "sdz-pxe-unknown-computers": "true", "sdz-pxe-unknown-computers-justification": "needed" })).tf, [ID]);
    expect(levels(r, ID)).toEqual([RuleLevel.ERROR]);
    expect(messages(r, ID)[0]).toMatch(/is only 6 characters/);
  });
});

describe("SDZ-PXE-011 on a multi-homed distribution point", () => {
  test("answering on every interface of a server with two IP configurations is an error", () => {
    const s = dp(dpTags({ "sdz-pxe-respond-all-interfaces": "true" }), (tf, { nic }) => {
      const body = tf.json.resource.azurerm_network_interface[nic.split(".")[1]];
      (body.ip_configuration as unknown[]).push({ name: "second", subnet_id: "${azurerm_subnet.servers.id}", private_ip_address_allocation: "Static", private_ip_address: "10.0.1.5" });
    });
    expect(levels(check(s.tf, ["SDZ-PXE-011"]), "SDZ-PXE-011")).toEqual([RuleLevel.ERROR]);
  });
});

describe("SDZ-PXE-014 multicast without encrypted packages", () => {
  const ID = "SDZ-PXE-014";
  test("multicast on with packages not encrypted is an error on the distribution point", () => {
    const s = dp(dpTags({ "sdz-pxe-multicast": "true", "sdz-pxe-multicast-encryption": "false" }));
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/serves multicast without encrypting the packages \(sdz-pxe-multicast-encryption=false\)/);
  });

  test("multicast on with encrypted packages passes; multicast off or unknown leaves it to SDZ-PXE-007", () => {
    expect(check(dp(dpTags({ "sdz-pxe-multicast": "true", "sdz-pxe-multicast-encryption": "true" })).tf, [ID]).findings).toEqual([]);
    expect(check(dp(dpTags({ "sdz-pxe-multicast": "false", "sdz-pxe-multicast-encryption": "false" })).tf, [ID]).findings).toEqual([]);
    expect(check(dp(dpTags({ "sdz-pxe-multicast": undefined, "sdz-pxe-multicast-encryption": "false" })).tf, [ID]).findings).toEqual([]);
  });

  test("multicast on and the encryption not recorded, or from a variable, is could-not-verify", () => {
    for (const enc of [undefined, "${var.enc}"]) {
      const s = dp(dpTags({ "sdz-pxe-multicast": "true", "sdz-pxe-multicast-encryption": enc }));
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([s.vm]);
      expect(messages(r, ID)[0]).toContain("sdz-pxe-multicast-encryption");
    }
  });
});

describe("SDZ-PXE-015 settings declared, not verified", () => {
  const ID = "SDZ-PXE-015";
  test("declared settings are one info note per distribution point, listing each", () => {
    const s = dp(dpTags({ "sdz-pxe-tftp-data-ports": "64001-65000" }));
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(levels(r, ID)).toEqual([RuleLevel.INFO]);
    expect(messages(r, ID)[0]).toMatch(/declared, not verified: sdz-pxe-password-required=true, sdz-pxe-unknown-computers=false, sdz-pxe-multicast=false, sdz-pxe-content-transport=enhanced-http, sdz-pxe-respond-all-interfaces=false, sdz-pxe-images-free-of-sensitive-content=true, sdz-pxe-tftp-data-ports=64001-65000;/);
  });

  test("a setting a run command on the site server applies (and reads back) is applied: not listed, and its rule accepts it", () => {
    const s = dp(dpTags({ "sdz-pxe-unknown-computers": undefined, "sdz-pxe-multicast": undefined, "sdz-pxe-content-transport": undefined, "sdz-pxe-respond-all-interfaces": undefined, "sdz-pxe-images-free-of-sensitive-content": undefined }),
      siteServer("Set-CMDistributionPoint -SiteSystemServerName app01 -EnablePxe $true -PxePassword $pw\nGet-CMDistributionPoint -SiteSystemServerName app01"));
    const r = check(s.tf, [ID, "SDZ-PXE-005"]);
    expect(r.findings).toEqual([]);
  });

  test("a run command that sets the setting for another server does not apply it here", () => {
    const s = dp(dpTags({ "sdz-pxe-unknown-computers": undefined, "sdz-pxe-multicast": undefined, "sdz-pxe-content-transport": undefined, "sdz-pxe-respond-all-interfaces": undefined, "sdz-pxe-images-free-of-sensitive-content": undefined }),
      siteServer("Set-CMDistributionPoint -SiteSystemServerName dp99 -PxePassword $pw\nGet-CMDistributionPoint -SiteSystemServerName dp99"));
    expect(messages(check(s.tf, [ID]), ID)[0]).toMatch(/declared, not verified: sdz-pxe-password-required=true;/);
  });

  test("multicast encryption applied by Set-CMOperatingSystemImage -MulticastEncrypt is applied", () => {
    const s = dp({ "sdz-role": "pxe-distribution-point", "sdz-pxe-multicast-encryption": "true" },
      siteServer("Set-CMOperatingSystemImage -Id P0100001 -MulticastAllow $true -MulticastEncrypt $true\nGet-CMOperatingSystemImage -Id P0100001\nStart-CMContentDistribution -OperatingSystemImageId P0100001 -DistributionPointName app01"));
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("a distribution point with nothing declared has no note", () => {
    expect(check(dp({}).tf, [ID]).findings).toEqual([]);
  });
});
