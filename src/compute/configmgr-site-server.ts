import { VirtualMachineRunCommand } from "@cdktf/provider-azurerm/lib/virtual-machine-run-command";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { SecureWindowsServer } from "./secure-windows-server";
import { SensitiveValue } from "../core/sensitive-value";
import { invalidProp, invalidSecret, missingProp } from "../network/errors";
import { requireRegion } from "../network/validators";

/** The account the ConfigMgr cmdlets run as on the site server. */
export interface ConfigMgrRunAsOptions {
  /** A Windows account that holds a Configuration Manager administrative role (e.g. `CONTOSO\\sccm-automation`). */
  readonly runAsUser: string;
  /** Its password, only as a sensitive value (sent as the run command's sensitive `run_as_password`). */
  readonly runAsPassword: SensitiveValue;
}

const VM_ID = /^\/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/providers\/Microsoft\.Compute\/virtualMachines\/[^/\s]+$/i;

/**
 * The Configuration Manager site server, an Azure VM on which the constructs run the ConfigMgr
 * cmdlets that apply their settings (an `azurerm_virtual_machine_run_command`, secrets as
 * protected parameters). With it, the PXE and state migration point settings are *applied*;
 * without it they are only *declared* and the constructs write the script for you to run.
 *
 * By default the cmdlets run as the VM's local SYSTEM account, that is the site server's computer
 * account, which must then hold a Configuration Manager administrative role; or give `runAs`.
 */
export class ConfigMgrSiteServer {
  /** A site server built in this configuration. */
  public static fromServer(server: SecureWindowsServer, runAs?: ConfigMgrRunAsOptions): ConfigMgrSiteServer {
    if (!(server instanceof SecureWindowsServer)) throw invalidProp("configMgrSiteServer", String(server), "ConfigMgrSiteServer.fromServer(a SecureWindowsServer)");
    return new ConfigMgrSiteServer(server.virtualMachineId, server.zone.network.location, server.node.path, runAs);
  }

  /**
   * An existing Azure VM, by resource ID, and its region.
   * @param virtualMachineId `/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>`
   * @param location the VM's Azure region (a run command is created in the VM's region)
   */
  public static fromVirtualMachineId(virtualMachineId: string, location: string, runAs?: ConfigMgrRunAsOptions): ConfigMgrSiteServer {
    const allowed = "an Azure VM resource ID: /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Compute/virtualMachines/<name>";
    if (virtualMachineId === undefined) throw missingProp("virtualMachineId", allowed);
    if (typeof virtualMachineId !== "string" || (!Token.isUnresolved(virtualMachineId) && !VM_ID.test(virtualMachineId))) {
      throw invalidProp("virtualMachineId", virtualMachineId, allowed);
    }
    return new ConfigMgrSiteServer(virtualMachineId, requireRegion("location", location), virtualMachineId, runAs);
  }

  private constructor(
    /** @internal */ public readonly _virtualMachineId: string,
    /** @internal */ public readonly _location: string,
    /** @internal */ public readonly _label: string,
    /** @internal */ public readonly _runAs: ConfigMgrRunAsOptions | undefined,
  ) {
    if (runAsInvalid(_runAs)) throw runAsInvalid(_runAs)!;
  }
}

function runAsInvalid(r: ConfigMgrRunAsOptions | undefined): Error | undefined {
  if (r === undefined) return undefined;
  if (typeof r.runAsUser !== "string" || !/^[^\s"/[\]:;|=,+*?<>]{1,20}$|^[A-Za-z0-9.-]{1,64}\\[^\s"/[\]:;|=,+*?<>\\]{1,20}$/.test(r.runAsUser)) {
    return invalidProp("runAs.runAsUser", r.runAsUser, "a Windows account name such as CONTOSO\\sccm-automation");
  }
  if (!(r.runAsPassword instanceof SensitiveValue)) return invalidSecret("runAs.runAsPassword", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromKeyVaultSecret)");
  return undefined;
}

/** A named value passed to the script; `secret` ones go in protected parameters. @internal */
export interface RunCommandParameter {
  readonly name: string;
  readonly value: string;
  readonly secret: boolean;
}

/**
 * Runs a ConfigMgr script on the site server. The script text is public (the checks read it to
 * decide that the settings are applied) and literal; values known only at apply and secrets come
 * as parameters, secrets as protected parameters. Azure runs the script with the parameters as
 * named script parameters; a VM can hold several managed run commands, unlike Custom Script
 * Extensions (learn.microsoft.com/azure/virtual-machines/windows/run-command-managed;
 * registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/virtual_machine_run_command).
 * @internal
 */
export function runOnSiteServer(
  scope: Construct, id: string, site: ConfigMgrSiteServer, name: string, script: string, parameters: RunCommandParameter[],
): VirtualMachineRunCommand {
  if (Token.isUnresolved(script)) throw new Error(`${scope.node.path}: the ConfigMgr script must be literal text (values known at apply go in parameters)`);
  const runAs = site._runAs;
  if (runAs) runAs.runAsPassword._verify(scope, "configMgrSiteServer.runAs.runAsPassword");
  return new VirtualMachineRunCommand(scope, id, {
    name,
    location: site._location,
    virtualMachineId: site._virtualMachineId,
    source: { script },
    parameter: parameters.filter((p) => !p.secret).map((p) => ({ name: p.name, value: p.value })),
    protectedParameter: parameters.filter((p) => p.secret).map((p) => ({ name: p.name, value: p.value })),
    runAsUser: runAs?.runAsUser,
    runAsPassword: runAs?.runAsPassword.value,
  });
}
