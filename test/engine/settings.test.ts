import { KMS_TAG } from "../../src/contract/kms-tags";
import { OOB_TAG } from "../../src/contract/oob-tags";
import { PXE_TAG } from "../../src/contract/pxe-tags";
import { HARDENING_GUEST_CONFIGURATION } from "../../src/contract/setting-traits";
import { Settings } from "../../src/engine/settings";
import { TfJson } from "../support/tf-json";

function vmWith(tags: Record<string, string>, extra: (tf: TfJson, vm: string) => void = () => undefined) {
  const tf = new TfJson();
  const sub = tf.subnet("s", tf.vnet("net"), ["10.0.1.0/24"]);
  const vm = tf.windowsVm("kms01", [tf.nic("nic", sub, "10.0.1.4")], { tags });
  extra(tf, vm);
  const model = tf.model();
  return { settings: Settings.of(model), vm: model.byAddress(vm)! };
}

const HARDENED = { "sdz-restrict-anonymous": "true" };

describe("settings provenance", () => {
  test("a hardening tag with nothing that applies it is only declared, and not acceptable", () => {
    const { settings, vm } = vmWith(HARDENED);
    const s = settings.read(vm, KMS_TAG.restrictAnonymous);
    expect([s.provenance, s.acceptable]).toEqual(["declared", false]);
    expect(s.evidence).toMatch(/only declared/);
  });

  test("a script extension that sets the value and reads it back makes it applied", () => {
    const script = "Set-ItemProperty -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa -Name RestrictAnonymous -Value 1; if ((Get-ItemPropertyValue -Path HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Lsa -Name RestrictAnonymous) -ne 1) { exit 1 }";
    const { settings, vm } = vmWith(HARDENED, (tf, v) => tf.add("azurerm_virtual_machine_extension", "harden", {
      name: "harden", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
    }));
    const s = settings.read(vm, KMS_TAG.restrictAnonymous);
    expect([s.provenance, s.acceptable]).toEqual(["applied", true]);
  });

  test("setting without reading back is not applied", () => {
    const { settings, vm } = vmWith(HARDENED, (tf, v) => tf.add("azurerm_virtual_machine_extension", "harden", {
      name: "harden", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
      settings: JSON.stringify({ commandToExecute: "powershell Set-ItemProperty -Path HKLM:\\x -Name RestrictAnonymous -Value 1" }),
    }));
    expect(settings.read(vm, KMS_TAG.restrictAnonymous).provenance).toBe("declared");
  });

  test("a Machine Configuration assignment audits it only with the identity and extension it needs", () => {
    const assign = (tf: TfJson, v: string) => tf.add("azurerm_policy_virtual_machine_configuration_assignment", "audit", {
      name: "audit", location: "westeurope", virtual_machine_id: TfJson.ref(v), configuration: { name: HARDENING_GUEST_CONFIGURATION, version: "1.0.0", assignment_type: "Audit" },
    });
    const bare = vmWith(HARDENED, assign);
    const s1 = bare.settings.read(bare.vm, KMS_TAG.restrictAnonymous);
    expect(s1.provenance).toBe("declared");
    expect(s1.evidence).toMatch(/lacks a system-assigned identity/);
    const full = vmWith(HARDENED, (tf, v) => {
      assign(tf, v);
      Object.assign((tf.json.resource.azurerm_windows_virtual_machine as any).kms01, { identity: { type: "SystemAssigned" } });
      tf.add("azurerm_virtual_machine_extension", "gc", { name: "AzurePolicyforWindows", virtual_machine_id: TfJson.ref(v), publisher: "Microsoft.GuestConfiguration", type: "ConfigurationforWindows", type_handler_version: "1.0" });
    });
    expect(full.settings.read(full.vm, KMS_TAG.restrictAnonymous).provenance).toBe("audited");
  });

  test("Configuration Manager settings are declared but acceptable, applied by a run command on a site server that names the server", () => {
    const declared = vmWith({ "sdz-pxe-password-required": "true" });
    expect(declared.settings.read(declared.vm, PXE_TAG.passwordRequired)).toMatchObject({ provenance: "declared", acceptable: true });
    const applied = vmWith({ "sdz-pxe-password-required": "true" }, (tf) => {
      const sub = "azurerm_subnet.s";
      const site = tf.windowsVm("cm01", [tf.nic("cm_nic", sub, "10.0.1.5")]);
      tf.add("azurerm_virtual_machine_run_command", "pxe", {
        name: "pxe", location: "westeurope", virtual_machine_id: TfJson.ref(site),
        source: { script: "Set-CMDistributionPoint -SiteSystemServerName kms01 -EnablePxe $true -PxePassword $p; Get-CMDistributionPoint -SiteSystemServerName kms01" },
      });
    });
    expect(applied.settings.read(applied.vm, PXE_TAG.passwordRequired).provenance).toBe("applied");
  });

  test("firmware settings are always declared", () => {
    const { settings, vm } = vmWith({ "sdz-oob-mebx-custom-password": "true" });
    expect(settings.read(vm, OOB_TAG.mebxCustomPassword)).toMatchObject({ provenance: "declared", acceptable: true });
  });
});
