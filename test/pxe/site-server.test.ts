import { dpProps, pxeStack, secret } from "./helpers";
import { ConfigMgrSiteServer } from "../../src/compute/configmgr-site-server";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { PXE_TAG } from "../../src/contract/pxe-tags";
import { TagSpec } from "../../src/contract/tag";
import { TerraformModel } from "../../src/engine/model";
import { Settings } from "../../src/engine/settings";
import { TrustLevel } from "../../src/network/trust-level";
import { PxeDistributionPoint } from "../../src/pxe/distribution-point";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { synthJson } from "../support/fixtures";

const CONFIGMGR_SETTINGS: TagSpec<unknown>[] = [
  PXE_TAG.passwordRequired, PXE_TAG.unknownComputers, PXE_TAG.multicast, PXE_TAG.respondAllInterfaces, PXE_TAG.contentTransport,
];

function withSiteServer() {
  const env = pxeStack();
  const servers = new DeploymentZone(env.stack, "Servers", { network: env.net, zoneName: "servers", addressPrefix: "10.50.5.0/24", trustLevel: TrustLevel.INTERNAL });
  const site = new SecureWindowsServer(env.stack, "SiteServer", { zone: servers, serverName: "cm01", privateIpAddress: "10.50.5.4", adminUsername: "osdadmin", adminPassword: secret(env.stack, "cm_password") });
  const dp = new PxeDistributionPoint(env.stack, "Dp", dpProps(env.stack, env.zone, {
    configMgrSiteServer: ConfigMgrSiteServer.fromServer(site), pxePassword: secret(env.stack, "pxe_password"),
  }));
  return { ...env, site, dp };
}

function provenances(json: any) {
  const model = TerraformModel.fromTerraformJson(json);
  const vm = model.ofType("azurerm_windows_virtual_machine").find((r) => r.config.name === "dp01")!;
  const settings = Settings.of(model);
  return CONFIGMGR_SETTINGS.map((spec) => [spec.key, settings.read(vm, spec).provenance]);
}

describe("PXE distribution point: ConfigMgr settings on a named site server", () => {
  test("one run command on the site server sets every setting on one line per cmdlet and reads it back; the password is a protected parameter", () => {
    const { stack, dp } = withSiteServer();
    const json = synthJson(stack);
    const commands = Object.values<any>(json.resource.azurerm_virtual_machine_run_command);
    expect(commands).toHaveLength(1);
    const rc = commands[0];
    expect(rc.name).toBe("sdz-pxe-dp01");
    expect(rc.virtual_machine_id).toMatch(/^\$\{azurerm_windows_virtual_machine\.SiteServer_Vm_\w+\.id\}$/);
    expect(rc.protected_parameter).toEqual([{ name: "PxePassword", value: "${var.pxe_password}" }]);
    expect(rc.parameter).toEqual([{ name: "PxeMacAddress", value: expect.stringMatching(/^\$\{azurerm_network_interface\.Dp_Server_Nic_\w+\.mac_address\}$/) }]);
    const script: string = rc.source.script;
    expect(script).not.toContain("pxe_password");
    expect(script).toMatch(/^Set-CMDistributionPoint .*-EnableUnknownComputerSupport \$false -PxePassword \(ConvertTo-SecureString -String \$PxePassword .*-MacAddressForRespondingPxeRequest @\(\$Mac\) .*-EnableMulticast \$false$/m);
    expect(script).toContain("Set-CMSite -SiteCode $SiteCode -UseSmsGeneratedCert $true");
    expect(script).toContain("$DistributionPoint = 'dp01.corp.contoso.com'");
    for (const check of ["'IsPXE'", "'SupportUnknownMachines'", "'IsMulticast'", "'PXEPassword'", "'BindExcept'", "'UseSMSGeneratedCert'"]) expect(script).toContain(check);
    expect(dp.configMgrRunCommand).toBeDefined();
    // After the distribution point's VM, written as Terraform takes it (a bare reference, not "${...}").
    expect(rc.depends_on).toEqual([expect.stringMatching(/^azurerm_windows_virtual_machine\.Dp_Server_Vm_\w+$/)]);
  });

  test("the settings are applied with a site server, declared without one", () => {
    expect(provenances(synthJson(withSiteServer().stack))).toEqual(CONFIGMGR_SETTINGS.map((s) => [s.key, "applied"]));
    const bare = pxeStack({}, {});
    expect(provenances(synthJson(bare.stack))).toEqual(CONFIGMGR_SETTINGS.map((s) => [s.key, "declared"]));
    expect(synthJson(bare.stack).resource.azurerm_virtual_machine_run_command).toBeUndefined();
  });

  test("a site server by resource ID gets the run command in its region", () => {
    const env = pxeStack();
    const id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/cm-rg/providers/Microsoft.Compute/virtualMachines/cm01";
    new PxeDistributionPoint(env.stack, "Dp", dpProps(env.stack, env.zone, {
      configMgrSiteServer: ConfigMgrSiteServer.fromVirtualMachineId(id, "northeurope"), pxePassword: secret(env.stack, "pxe_password"),
    }));
    const [rc] = Object.values<any>(synthJson(env.stack).resource.azurerm_virtual_machine_run_command);
    expect(rc).toMatchObject({ virtual_machine_id: id, location: "northeurope" });
  });

  test("refuses a site server without a PXE password, a password without a site server, a literal password, a bad VM ID", () => {
    const site = ConfigMgrSiteServer.fromVirtualMachineId("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/cm01", "westeurope");
    const attempt = (over: object): Error | undefined => {
      const env = pxeStack();
      try {
        new PxeDistributionPoint(env.stack, "Dp", dpProps(env.stack, env.zone, over));
      } catch (x) {
        return x as Error;
      }
      return undefined;
    };
    expect(attempt({ configMgrSiteServer: site })?.message).toMatch(/Dp.*pxePassword.*SensitiveValue/);
    const env = pxeStack();
    expect(attempt({ pxePassword: secret(env.stack, "p2") })?.message).toMatch(/Dp.*pxePassword.*nothing without configMgrSiteServer/);
    const literal = attempt({ configMgrSiteServer: site, pxePassword: "Literal-Pxe-Pw1" as any });
    expect(literal?.message).toMatch(/Dp.*pxePassword.*SensitiveValue/);
    expect(literal?.message).not.toContain("Literal-Pxe-Pw1");
    expect(() => ConfigMgrSiteServer.fromVirtualMachineId("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v", "westeurope"))
      .toThrow(/virtualMachineId.*Microsoft\.Compute\/virtualMachines/);
    expect(() => ConfigMgrSiteServer.fromVirtualMachineId("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/cm01", "west europe")).toThrow(/location/);
  });
});

describe("PXE distribution point: security events (R-SEC-8)", () => {
  test("collected by default (Azure Monitor agent + association); securityEventLog.enabled false turns it off", () => {
    const on = synthJson(pxeStack({}, {}).stack);
    expect(Object.values<any>(on.resource.azurerm_virtual_machine_extension).map((x) => x.type)).toEqual(["AzureMonitorWindowsAgent"]);
    expect(Object.keys(on.resource.azurerm_monitor_data_collection_rule_association)).toHaveLength(1);
    const off = synthJson(pxeStack({}, { securityEventLog: { enabled: false } }).stack);
    expect(off.resource.azurerm_virtual_machine_extension).toBeUndefined();
    expect(off.resource.azurerm_monitor_data_collection_rule).toBeUndefined();
  });
});
