import { TerraformVariable, Token } from "cdktf";
import { SecureWindowsServer, serverProps } from "../../src/compute/secure-windows-server";
import { DeploymentRole } from "../../src/contract/zone-tags";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack, synthJson } from "../support/fixtures";

function env() {
  const { stack } = newStack();
  const network = new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
  const zone = new DeploymentZone(stack, "Zone", { network, zoneName: "servers", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
  const password = SensitiveValue.fromVariable(new TerraformVariable(stack, "pw", { type: "string", sensitive: true }));
  return { stack, zone, password };
}

describe("SecureWindowsServer", () => {
  test("one NIC with a static IP, no public IP, forwarding off; Trusted Launch, encryption at host, platform patching", () => {
    const e = env();
    new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password, roles: [DeploymentRole.KMS_HOST] });
    const json = synthJson(e.stack);
    const [nic] = Object.values<any>(json.resource.azurerm_network_interface);
    const [vm] = Object.values<any>(json.resource.azurerm_windows_virtual_machine);
    expect(nic.ip_forwarding_enabled).toBe(false);
    expect(nic.ip_configuration).toEqual([expect.objectContaining({ private_ip_address_allocation: "Static", private_ip_address: "10.0.1.10", primary: true })]);
    expect(nic.ip_configuration[0].public_ip_address_id).toBeUndefined();
    expect(vm).toMatchObject({
      secure_boot_enabled: true, vtpm_enabled: true, encryption_at_host_enabled: true,
      patch_mode: "AutomaticByPlatform", boot_diagnostics: {}, identity: { type: "SystemAssigned" },
      tags: { "sdz-role": "kms-host" },
    });
    expect(vm.network_interface_ids).toHaveLength(1);
    expect(vm.admin_password).toMatch(/^\$\{var\./);
  });

  test.each([
    ["serverName", { serverName: "this-name-is-too-long" }, /serverName/],
    ["serverName", { serverName: "12345" }, /serverName/],
    ["adminUsername", { adminUsername: "Administrator" }, /adminUsername.*not a reserved name such as administrator/],
    ["privateIpAddress outside the zone", { privateIpAddress: "10.0.2.10" }, /privateIpAddress.*"10\.0\.2\.10".*inside zone servers/],
    ["privateIpAddress reserved by Azure", { privateIpAddress: "10.0.1.3" }, /privateIpAddress.*reserve/],
    ["privateIpAddress broadcast", { privateIpAddress: "10.0.1.255" }, /privateIpAddress/],
    ["privateIpAddress as a CIDR", { privateIpAddress: "10.0.1.10/32" }, /privateIpAddress/],
  ])("refuses a bad %s, naming it", (_, override, message) => {
    const e = env();
    expect(() => new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password, ...override }))
      .toThrow(message);
  });

  test("refuses a password that is not a SensitiveValue, without echoing it", () => {
    const e = env();
    expect(() => new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: "P@ssw0rd-in-code" as any }))
      .toThrow(/adminPassword: <secret, not shown>.*SensitiveValue/);
    expect(() => SensitiveValue.fromToken("P@ssw0rd-in-code", "literal")).toThrow(/literal secrets are refused/);
    expect(() => SensitiveValue.fromVariable(new TerraformVariable(e.stack, "plain", { type: "string" }))).toThrow(/sensitive: true/);
  });

  test("addPowerShellExtension passes the script only encoded, in protected settings", () => {
    const e = env();
    const srv = new SecureWindowsServer(e.stack, "Srv", { zone: e.zone, serverName: "app01", privateIpAddress: "10.0.1.10", adminUsername: "opsadmin", adminPassword: e.password });
    srv.addPowerShellExtension("harden", "Set-SmbServerConfiguration -EncryptData $true -Force");
    const [ext] = Object.values<any>(synthJson(e.stack).resource.azurerm_virtual_machine_extension);
    expect(ext.settings).toBeUndefined();
    const command = JSON.parse(ext.protected_settings).commandToExecute as string;
    const encoded = command.split("-EncodedCommand ")[1];
    expect(Buffer.from(encoded, "base64").toString("utf16le")).toBe("Set-SmbServerConfiguration -EncryptData $true -Force");
    expect(() => srv.addPowerShellExtension("bad name!", "x")).toThrow(/name/);
  });
});

describe("serverProps (how service constructs build their server)", () => {
  test("passes the user's options through, and the construct's setting tags win over the user's tags", () => {
    const e = env();
    const props = serverProps(
      { serverName: "dp01", privateIpAddress: "10.0.1.11", adminUsername: "opsadmin", adminPassword: e.password, size: "Standard_D4s_v5", availabilityZone: "2", tags: { "owner": "osd-team", "sdz-pxe-multicast": "true" } },
      e.zone, [DeploymentRole.PXE_DISTRIBUTION_POINT], { "sdz-pxe-multicast": "false" },
    );
    expect(props).toMatchObject({ zone: e.zone, serverName: "dp01", size: "Standard_D4s_v5", availabilityZone: "2", roles: ["pxe-distribution-point"] });
    expect(props.tags).toEqual({ "owner": "osd-team", "sdz-pxe-multicast": "false" });
    expect(Token.isUnresolved(props.adminPassword.value)).toBe(true);
  });
});
