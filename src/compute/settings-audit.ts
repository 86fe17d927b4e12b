import { PolicyVirtualMachineConfigurationAssignment } from "@cdktf/provider-azurerm/lib/policy-virtual-machine-configuration-assignment";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { HARDENING_GUEST_CONFIGURATION } from "../contract/setting-traits";
import { invalidProp, missingProp } from "../network/errors";
import { requireDefined } from "../network/validators";

/**
 * A published Azure Machine Configuration (guest configuration) package that checks the Windows
 * settings the library's constructs apply. The package is named `SdzWindowsHardening`
 * ({@link SettingsAudit.CONFIGURATION_NAME}); you build it with the `GuestConfiguration` PowerShell
 * module from a DSC configuration that tests the same registry values, SMB server options, SMB 1
 * feature and firewall rules, and publish it where the VM's identity can read it.
 */
export interface GuestConfigurationPackage {
  /** HTTPS URI of the package `.zip` (e.g. a blob URL with a SAS token, or a reference to one). */
  readonly contentUri: string;
  /** SHA-256 of the package, 64 hexadecimal digits (`Get-FileHash -Algorithm SHA256`). */
  readonly contentHash: string;
  /**
   * The package version.
   * @default "1.0.0"
   */
  readonly version?: string;
}

/** What auditing a server's Windows settings adds to it. */
export class SettingsAudit {
  /** The configuration name the assignment uses, and the checks recognise. */
  public static readonly CONFIGURATION_NAME = HARDENING_GUEST_CONFIGURATION;

  private constructor() {}
}

/** Validates a package; literal values are checked, references pass. @internal */
export function validatePackage(prop: string, p: GuestConfigurationPackage): Required<GuestConfigurationPackage> {
  requireDefined(prop, p, "a published guest configuration package { contentUri, contentHash }");
  const uri = p.contentUri;
  if (uri === undefined) throw missingProp(`${prop}.contentUri`, "the HTTPS URI of the package .zip");
  if (typeof uri !== "string" || (!Token.isUnresolved(uri) && !/^https:\/\/[^\s]+$/i.test(uri))) {
    throw invalidProp(`${prop}.contentUri`, Token.isUnresolved(uri) ? uri : String(uri).replace(/\?.*$/, "?<query not shown>"), "an https:// URI of the package .zip");
  }
  const hash = p.contentHash;
  if (hash === undefined) throw missingProp(`${prop}.contentHash`, "the SHA-256 of the package (64 hexadecimal digits)");
  if (typeof hash !== "string" || (!Token.isUnresolved(hash) && !/^[0-9a-fA-F]{64}$/.test(hash))) {
    throw invalidProp(`${prop}.contentHash`, hash, "the SHA-256 of the package: 64 hexadecimal digits");
  }
  const version = p.version ?? "1.0.0";
  if (typeof version !== "string" || !/^\d+(\.\d+){0,3}$/.test(version)) throw invalidProp(`${prop}.version`, version, "a version such as 1.0.0");
  return { contentUri: uri, contentHash: hash.toUpperCase(), version };
}

/**
 * Machine Configuration on a VM: the guest configuration extension and an *Audit* assignment of
 * the package. Azure then keeps checking the settings after apply, and the assignment's compliance
 * shows drift. Machine Configuration needs the VM's system-assigned identity (the server has one)
 * and the extension `AzurePolicyforWindows` (publisher `Microsoft.GuestConfiguration`, type
 * `ConfigurationforWindows`, handler 1.0, automatic upgrade), as in Microsoft's template
 * (github.com/Azure/bicep, snippet res-vm-windows-guestconfig-ext;
 * learn.microsoft.com/azure/governance/machine-configuration/overview, "Deploy requirements for Azure virtual machines").
 * In azurerm 4.55 the assignment's `name` is the guest configuration's name; the `configuration`
 * block carries assignment_type, content_uri, content_hash and version
 * (registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/policy_virtual_machine_configuration_assignment).
 * @internal
 */
export function addSettingsAudit(scope: Construct, vm: WindowsVirtualMachine, location: string, pkg: Required<GuestConfigurationPackage>) {
  const extension = new VirtualMachineExtension(scope, "GuestConfigurationExtension", {
    name: "AzurePolicyforWindows",
    virtualMachineId: vm.id,
    publisher: "Microsoft.GuestConfiguration",
    type: "ConfigurationforWindows",
    typeHandlerVersion: "1.0",
    autoUpgradeMinorVersion: true,
    automaticUpgradeEnabled: true,
  });
  const assignment = new PolicyVirtualMachineConfigurationAssignment(scope, "SettingsAudit", {
    name: SettingsAudit.CONFIGURATION_NAME,
    location,
    virtualMachineId: vm.id,
    configuration: { assignmentType: "Audit", contentUri: pkg.contentUri, contentHash: pkg.contentHash, version: pkg.version },
    dependsOn: [extension],
  });
  return { extension, assignment };
}
