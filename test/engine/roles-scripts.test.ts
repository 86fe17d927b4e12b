/**
 * Roles inferred from the scripts that run on a VM: every script the settings model reads (extension
 * settings, run commands, PowerShell -EncodedCommand decoded), and only what a KMS *host* does
 * (learn.microsoft.com/windows-server/get-started/activation-slmgr-vbs-options,
 * learn.microsoft.com/windows-server/get-started/kms-create-host). Raw untagged azurerm JSON.
 */
import { kmsHardeningScript } from "../../src/activation/hardening-script";
import { Reachability } from "../../src/engine/access/reachability";
import { Roles } from "../../src/engine/roles";
import { roleClaims } from "../support/role-claims";
import { check, flagged } from "../support/rule-harness";
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
const claims = (tf: TfJson) => roleClaims(tf, VM);

describe("roles from every script the settings model reads", () => {
  test("a run command's inline script that sets a KMS host option makes a KMS host, cited as the run command", () => {
    expect(claims(site(runCommand({ script: "cscript C:\\Windows\\System32\\slmgr.vbs /sprt 1688; cscript C:\\Windows\\System32\\slmgr.vbs /cdns" }, "kms")))).toEqual({
      kms: ["inferred", "run command azurerm_virtual_machine_run_command.kms configures KMS activation (sets a KMS host option with slmgr)"],
    });
  });

  test("an extension's -EncodedCommand is decoded: the KMS host it sets up is read", () => {
    const script = "Install-WindowsFeature -Name VolumeActivation -IncludeManagementTools\r\ncscript C:\\Windows\\System32\\slmgr.vbs /cdns";
    expect(claims(site(command(encoded(script), "kms")))).toEqual({
      kms: ["inferred", "extension azurerm_virtual_machine_extension.kms configures KMS activation (installs the Volume Activation Services role)"],
    });
  });

  test("a run command's -EncodedCommand is decoded too", () => {
    expect(claims(site(runCommand({ script: encoded("New-NetFirewallRule -Name kms -Direction Inbound -Protocol TCP -LocalPort 1688 -Action Allow") })))).toEqual({
      kms: ["inferred", "run command azurerm_virtual_machine_run_command.setup configures KMS activation (opens TCP 1688 inbound in Windows Firewall)"],
    });
  });

  test("a run command that promotes a domain controller makes one", () => {
    expect(claims(site(runCommand({ script: "Install-WindowsFeature AD-Domain-Services -IncludeManagementTools; Install-ADDSForest -DomainName corp.example" }, "promote")))).toEqual({
      dc: ["inferred", "run command azurerm_virtual_machine_run_command.promote installs Active Directory Domain Services"],
    });
  });

  test("a script that adds a DC to a domain makes one; one that demotes a DC or removes the AD DS role does not", () => {
    expect(claims(site(command("powershell Install-ADDSDomainController -DomainName corp.example -InstallDns", "promote")))).toEqual({
      dc: ["inferred", "extension azurerm_virtual_machine_extension.promote installs Active Directory Domain Services"],
    });
    for (const script of [
      "Uninstall-ADDSDomainController -DemoteOperationMasterRole -RemoveApplicationPartitions -Force",
      "Uninstall-WindowsFeature AD-Domain-Services -IncludeManagementTools",
      "Remove-WindowsFeature AD-Domain-Services, GPMC, RSAT-ADDS",
    ]) {
      expect(claims(site(command(script)))).toEqual({});
      expect(claims(site(runCommand({ script })))).toEqual({});
    }
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

describe("a KMS host is told by what only a host does", () => {
  test.each([
    ["slmgr /sai 120", "sets a KMS host option with slmgr"],
    ["cscript //nologo %windir%\\system32\\slmgr.vbs -cpri", "sets a KMS host option with slmgr"],
    ["$s = Get-CimInstance SoftwareLicensingService; Invoke-CimMethod -InputObject $s -MethodName SetKeyManagementServiceListeningPort -Arguments @{PortNumber=1688}", "sets a KMS host option through WMI"],
    ["reg add \"HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SoftwareProtectionPlatform\" /v DisableDnsPublishing /t REG_DWORD /d 1 /f", "sets a KMS host option in the registry"],
    ["Get-NetFirewallRule -DisplayGroup 'Key Management Service' | Enable-NetFirewallRule", "enables the KMS host's inbound firewall rule"],
    ["Set-NetFirewallRule -Name SPPSVC-In-TCP -Profile Domain,Private -Enabled True", "enables the KMS host's inbound firewall rule"],
    ["netsh advfirewall firewall add rule name=kms dir=in action=allow protocol=TCP localport=1688", "opens TCP 1688 inbound in Windows Firewall"],
    ["New-NetFirewallRule -DisplayName KMS -Protocol TCP -LocalPort 1688 -RemoteAddress 10.0.1.0/24 -Action Allow", "opens TCP 1688 inbound in Windows Firewall"],
  ])("%s", (script, what) => {
    expect(claims(site(command(script)))).toEqual({ kms: ["inferred", `extension azurerm_virtual_machine_extension.setup configures KMS activation (${what})`] });
  });

  test("the library's own KMS host script, encoded as KmsHost runs it, marks a host by itself (no tag, no rule for TCP 1688)", () => {
    const script = kmsHardeningScript({ allowedPrefixes: ["10.0.1.0/24"], localAddress: "10.0.5.4", dnsPublishing: false });
    expect(claims(site(command(encoded(script), "kms")))).toEqual({
      kms: ["inferred", "extension azurerm_virtual_machine_extension.kms configures KMS activation (sets a KMS host option in the registry)"],
    });
  });

  test.each([
    // What a KMS client runs (the reviewer's d1): the host it activates against, then activation.
    ["slmgr /skms 10.0.9.4:1688; slmgr /ato"],
    // A GVLK or a MAK installed and activated: the same commands as on a host with a host key, so no evidence of a host.
    ["powershell slmgr /ipk XXXXX-XXXXX; slmgr /ato"],
    ["cscript C:\\Windows\\System32\\slmgr.vbs /ipk XXXXX; slmgr /ato"],
    ["slmgr /ckms & slmgr /dlv & slmgr /xpr"],
    // The client's WMI method names its KMS host; an outbound rule to 1688 is the client's way out.
    ["(Get-WmiObject SoftwareLicensingService).SetKeyManagementServiceMachine('kms01.corp.example')"],
    ["New-NetFirewallRule -DisplayName to-kms -Direction Outbound -Protocol TCP -RemotePort 1688 -Action Allow"],
    // The host's rule group disabled, a comment that mentions a host option, an uninstalled role.
    ["Get-NetFirewallRule | Where-Object { $_.DisplayGroup -eq 'Key Management Service' } | Disable-NetFirewallRule"],
    ["# later: slmgr /sprt 1688\nslmgr /ato"],
    ["Uninstall-WindowsFeature VolumeActivation"],
  ])("not a host: %s", (script) => {
    expect(claims(site(command(script)))).toEqual({});
    expect(claims(site(runCommand({ script })))).toEqual({});
    expect(claims(site(command(encoded(script))))).toEqual({});
  });
});

describe("SDZ-KMS-004 on the reviewer's client and host", () => {
  test("a KMS client with a dynamic address (slmgr /skms <host>; slmgr /ato) is no KMS host: no finding", () => {
    const r = check(site(command("slmgr /skms 10.0.9.4:1688; slmgr /ato", "kms")), ["SDZ-KMS-004"]);
    expect(r.findings).toEqual([]);
  });

  test("a KMS host set up by a run command, with a dynamic address: the error is on its NIC, citing the run command", () => {
    const r = check(site(runCommand({ script: "Install-WindowsFeature -Name VolumeActivation -IncludeManagementTools" }, "kms")), ["SDZ-KMS-004"]);
    expect(flagged(r, "SDZ-KMS-004")).toEqual(["azurerm_network_interface.srv_nic"]);
    expect(r.findings[0].message).toContain("(inferred: run command azurerm_virtual_machine_run_command.kms configures KMS activation (installs the Volume Activation Services role))");
  });
});
