import { settingInventory, tagInventory } from "../../src/engine/inventory";
import { TfJson } from "../support/tf-json";

describe("settings inventory", () => {
  const SECRET = "Sup3r-Secret-MEBx!";

  function model(tags: Record<string, string>) {
    const tf = new TfJson();
    const sub = tf.subnet("s", tf.vnet("net"), ["10.0.1.0/24"]);
    tf.windowsVm("sp01", [tf.nic("nic", sub, "10.0.1.4")], { tags });
    return tf.model();
  }

  test("never prints a secret-bearing tag's value unless it is the typed boolean, nor a secret-looking sdz- tag", () => {
    const m = model({ "sdz-oob-mebx-custom-password": SECRET, "sdz-admin-password": SECRET, "sdz-pxe-multicast": "false" });
    const inv = tagInventory(m);
    expect(JSON.stringify(inv)).not.toContain(SECRET);
    expect(inv["azurerm_windows_virtual_machine.sp01"]).toEqual({
      "sdz-admin-password": "(value not shown)", "sdz-oob-mebx-custom-password": "(value not shown)", "sdz-pxe-multicast": "false",
    });
    expect(JSON.stringify(settingInventory(m))).not.toContain(SECRET);
    expect(tagInventory(model({ "sdz-oob-mebx-custom-password": "TRUE" }))["azurerm_windows_virtual_machine.sp01"]).toEqual({ "sdz-oob-mebx-custom-password": "true" });
  });

  test("each setting carries its provenance", () => {
    const records = settingInventory(model({ "sdz-restrict-anonymous": "true", "sdz-pxe-password-required": "true", "sdz-oob-ca-thumbprint": "A".repeat(40) }));
    expect(records.map((r) => [r.setting, r.provenance])).toEqual([
      ["sdz-restrict-anonymous", "declared"],
      ["sdz-pxe-password-required", "declared"],
      ["sdz-oob-ca-thumbprint", "declared"],
    ]);
    expect(records[0].evidence).toMatch(/only declared/);
    expect(records[2].evidence).toMatch(/firmware/);
  });
});
