/**
 * Roles inferred from the scripts that run on a VM: every script the settings model reads (extension
 * settings, run commands, PowerShell -EncodedCommand decoded). Raw untagged azurerm JSON.
 */
import { DeploymentRole } from "../../src/contract/zone-tags";
import { Reachability } from "../../src/engine/access/reachability";
import { Roles } from "../../src/engine/roles";
import { Body, TfJson, rule } from "../support/tf-json";

const VM = "azurerm_windows_virtual_machine.srv";

/** A VM `srv` with a dynamic address in a subnet whose NSG lets in RDP only (no rule names TCP 1688), plus what `add` puts on it. */
function site(add: (tf: TfJson) => void, vmExtra: Body = {}): TfJson {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const app = tf.subnet("app", vnet, ["10.0.5.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.1.0/24"), rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  tf.windowsVm("srv", [tf.nic("srv_nic", app)], vmExtra);
  add(tf);
  return tf;
}

/** A Custom Script Extension `name` on the VM. */
function extension(tf: TfJson, name: string, fields: Body): void {
  tf.add("azurerm_virtual_machine_extension", name, {
    name, virtual_machine_id: TfJson.ref(VM), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10", ...fields,
  });
}

/** An extension whose public settings run `command`. */
function command(text: string, name = "setup"): (tf: TfJson) => void {
  return (tf) => extension(tf, name, { settings: JSON.stringify({ commandToExecute: text }) });
}

/** A run command `name` on the VM with `source`. */
function runCommand(source: Body, name = "setup"): (tf: TfJson) => void {
  return (tf) => tf.add("azurerm_virtual_machine_run_command", name, { name, location: "westeurope", virtual_machine_id: TfJson.ref(VM), source: [source] });
}

/** `powershell -EncodedCommand <base64 of the UTF-16LE script>`, as PowerShell takes it. */
function encoded(script: string): string {
  return `powershell -EncodedCommand ${Buffer.from(script, "utf16le").toString("base64")}`;
}

/** The KMS host and domain controller claims of the site's VM: [source, evidence]. */
function claims(tf: TfJson): { kms?: [string, string]; dc?: [string, string] } {
  const model = tf.model();
  const vm = Reachability.of(model).access.topology.vms.find((v) => v.resource.address === VM)!;
  const roles = Roles.of(model);
  const c = (role: DeploymentRole): [string, string] | undefined => {
    const x = roles.claim(vm, role);
    return x ? [x.source, x.evidence] : undefined;
  };
  return { kms: c(DeploymentRole.KMS_HOST), dc: c(DeploymentRole.DOMAIN_CONTROLLER) };
}

describe("roles from every script the settings model reads", () => {
  test("a run command's inline script that sets a KMS host option makes a KMS host, cited as the run command", () => {
    expect(claims(site(runCommand({ script: "cscript C:\\Windows\\System32\\slmgr.vbs /sprt 1688; cscript C:\\Windows\\System32\\slmgr.vbs /cdns" }, "kms")))).toEqual({
      kms: ["inferred", "run command azurerm_virtual_machine_run_command.kms configures KMS activation"],
    });
  });

  test("an extension's -EncodedCommand is decoded: the KMS host it sets up is read", () => {
    const script = "Install-WindowsFeature -Name VolumeActivation -IncludeManagementTools\r\ncscript C:\\Windows\\System32\\slmgr.vbs /cdns";
    expect(claims(site(command(encoded(script), "kms")))).toEqual({
      kms: ["inferred", "extension azurerm_virtual_machine_extension.kms configures KMS activation"],
    });
  });

  test("a run command's -EncodedCommand is decoded too", () => {
    expect(claims(site(runCommand({ script: encoded("New-NetFirewallRule -Name kms -Direction Inbound -Protocol TCP -LocalPort 1688 -Action Allow") })))).toEqual({
      kms: ["inferred", "run command azurerm_virtual_machine_run_command.setup configures KMS activation"],
    });
  });

  test("a run command that promotes a domain controller makes one", () => {
    expect(claims(site(runCommand({ script: "Install-WindowsFeature AD-Domain-Services -IncludeManagementTools; Install-ADDSForest -DomainName corp.example" }, "promote")))).toEqual({
      dc: ["inferred", "run command azurerm_virtual_machine_run_command.promote installs Active Directory Domain Services"],
    });
  });

  test("scripts the checks cannot read (protected settings, a script URI, a variable) mark no role and add nothing to the VM's roles", () => {
    const tf = site((t) => {
      extension(t, "secret", { protected_settings: JSON.stringify({ commandToExecute: "slmgr /sprt 1688" }) });
      runCommand({ script_uri: "https://example.org/kms.ps1" }, "fetched")(t);
      runCommand({ script: "${var.kms_script}" }, "variable")(t);
    });
    expect(claims(tf)).toEqual({});
    const model = tf.model();
    const vm = Reachability.of(model).access.topology.vms[0];
    expect(Roles.of(model).ofVm(vm).unknown).toBeUndefined();
  });

  test("a declared role wins over the script: the claim cites the tag", () => {
    expect(claims(site(command("slmgr /sprt 1688"), { tags: { "sdz-role": "kms-host" } }))).toEqual({
      kms: ["declared", `sdz-role=kms-host on ${VM}`],
    });
  });
});
