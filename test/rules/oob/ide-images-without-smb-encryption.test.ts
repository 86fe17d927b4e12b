import { APP, patch } from "./builders";
import { OobTags } from "../../../src/contract/oob-tags";
import { RuleLevel } from "../../../src/engine/rule";
import { check, flagged, messages, site, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-OOB-006";
const UNC = "\\\\osdcontent01.file.core.windows.net\\ide";

/** app01 as a declared service point storing IDE images at `location`, with an Azure Files account `osdcontent01` in the configuration. */
function ide(location: string | undefined, account: Record<string, unknown> = {}, extraTags: Record<string, string> = {}) {
  const s = site("inline", [], {
    vmTags: { "sdz-role": "oob-service-point", ...(location !== undefined ? { [OobTags.IDE_IMAGE_LOCATION]: location } : {}), ...extraTags },
    extend: (tf) => {
      tf.add("azurerm_storage_account", "content", { name: "osdcontent01", resource_group_name: "rg", location: "westeurope", account_tier: "Premium", account_kind: "FileStorage", account_replication_type: "LRS" });
      tf.add("azurerm_storage_share", "ide", { name: "ide", storage_account_id: "${azurerm_storage_account.content.id}", quota: 100 });
    },
  });
  patch(s.tf, "azurerm_storage_account.content", account);
  return check(s.tf, [ID]);
}

describe("SDZ-OOB-006 IDE-redirection images", () => {
  test("on an Azure Files share of this configuration, the account's real setting decides (the tag does not)", () => {
    expect(ide(UNC).findings).toEqual([]); // secure transfer is the default
    expect(ide(UNC, { https_traffic_only_enabled: true }, { [OobTags.IDE_IMAGE_SMB_ENCRYPTION]: "false" }).findings).toEqual([]);
    const r = ide(UNC, { https_traffic_only_enabled: false }, { [OobTags.IDE_IMAGE_SMB_ENCRYPTION]: "true" });
    expect(flagged(r, ID)).toEqual([APP]);
    expect(messages(r, ID)[0]).toMatch(/on azurerm_storage_account\.content, which accepts SMB without encryption \(https_traffic_only_enabled = false\)/);
    expect(flagged(ide(UNC, { enable_https_traffic_only: false }), ID)).toEqual([APP]); // azurerm 3.x spelling
  });

  test("an account setting or an account name from a variable is could-not-verify", () => {
    expect(unverifiedAt(ide(UNC, { https_traffic_only_enabled: "${var.secure}" }), ID)).toEqual([APP]);
    const r = ide(UNC, { name: "${var.account}" });
    expect(unverifiedAt(r, ID)).toEqual([APP]);
    expect(messages(r, ID)[0]).toMatch(/name is not known before apply/);
  });

  test("outside this configuration: declared encryption is accepted and shown as declared (info); none declared is an error", () => {
    const declared = ide("\\\\fs01\\ide", {}, { [OobTags.IDE_IMAGE_SMB_ENCRYPTION]: "true" });
    expect(declared.findings.map((f) => [f.address, f.level])).toEqual([[APP, RuleLevel.INFO]]);
    expect(messages(declared, ID)[0]).toMatch(/declared, not verified/);
    const none = ide("\\\\fs01\\ide");
    expect(flagged(none, ID)).toEqual([APP]);
    expect(messages(none, ID)[0]).toMatch(/without SMB signing or encryption \(sdz-oob-ide-image-smb-encryption is not set\)/);
  });

  test("images stored locally, or no location at all, draw nothing; a location from a variable is could-not-verify", () => {
    expect(ide("D:\\ide-images").findings).toEqual([]);
    expect(ide(undefined).findings).toEqual([]);
    expect(unverifiedAt(ide("${var.ide}"), ID)).toEqual([APP]);
  });
});
