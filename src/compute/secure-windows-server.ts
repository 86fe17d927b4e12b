import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { PolicyVirtualMachineConfigurationAssignment } from "@cdktf/provider-azurerm/lib/policy-virtual-machine-configuration-assignment";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { dependable, ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { collectSecurityEvents, SecurityEventLogOptions, validateSecurityEventLog } from "./security-events";
import { addSettingsAudit, GuestConfigurationPackage, validatePackage } from "./settings-audit";
import { commandFor, validatePart, WindowsSettingsPart } from "./windows-settings-script";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { attributeErrors, invalidProp, invalidSecret, missingProp } from "../network/errors";
import { buildOrAbandon, claimUnique, UniqueKind } from "../network/uniqueness";
import {
  mergeTags, requireAdminUsername, requireAvailabilityZone, requireAzureName, requireDefined, requireDerivedName, requireEnum, requireHostInZone,
  requireIdentifier, requireTags, requireVmSize,
} from "../network/validators";
import { DeploymentZone } from "../zones/deployment-zone";

/** The Windows Server image. */
export interface WindowsServerImage {
  /** @default "MicrosoftWindowsServer" */
  readonly publisher?: string;
  /** @default "WindowsServer" */
  readonly offer?: string;
  /** @default "2022-datacenter-azure-edition" */
  readonly sku?: string;
  /** @default "latest" */
  readonly version?: string;
}

/**
 * The server settings every service construct takes (PXE distribution point, domain controller,
 * reference computer, out-of-band service point...); the zone and the roles are the construct's.
 */
export interface WindowsServerOptions {
  /** VM name (1-15 characters: letters, digits, `-`; the Windows computer name limit). */
  readonly serverName: string;
  /**
   * Static private IP inside the zone prefix (not one of the 4 first addresses Azure reserves, nor the last).
   * Clients use it directly, so it must never change.
   */
  readonly privateIpAddress: string;
  /** Administrator user name (not `administrator`, `admin`, `user`...). */
  readonly adminUsername: string;
  /** Administrator password, only as a sensitive value. */
  readonly adminPassword: SensitiveValue;
  /**
   * VM size.
   * @default "Standard_D2s_v5"
   */
  readonly size?: string;
  /**
   * Image.
   * @default - Windows Server 2022 Datacenter Azure Edition, latest
   */
  readonly image?: WindowsServerImage;
  /**
   * Extra tags (the construct's own `sdz-*` setting tags take precedence).
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
  /**
   * Availability zone.
   * @default - none
   */
  readonly availabilityZone?: string;
  /**
   * Audit the server's Windows settings with Azure Machine Configuration: the guest configuration
   * extension and an Audit assignment of this package (named `SdzWindowsHardening`) are added, so
   * Azure keeps checking the settings after apply and shows drift. Without it the settings are
   * applied (set and read back once, at apply) but nothing re-checks them later.
   * @default - no audit
   */
  readonly settingsAudit?: GuestConfigurationPackage;
  /**
   * Where the deployment server constructs (PXE distribution point, KMS host, state migration
   * point) send the server's Windows Security event log (R-SEC-8). A plain SecureWindowsServer
   * collects only when {@link SecureWindowsServer.collectSecurityEvents} is called.
   * @default - collected, to a workspace created once per network
   */
  readonly securityEventLog?: SecurityEventLogOptions;
}

/** Properties of a {@link SecureWindowsServer}. */
export interface SecureWindowsServerProps extends WindowsServerOptions {
  /** The zone the server's only NIC sits in. */
  readonly zone: DeploymentZone;
  /**
   * Deployment roles recorded in the `sdz-role` tag.
   * @default - none
   */
  readonly roles?: DeploymentRole[];
}

/**
 * The props of the server a service construct builds: the user's server options, the construct's
 * zone and roles, and its setting tags on top of the user's tags.
 * @internal
 */
export function serverProps(
  options: WindowsServerOptions,
  zone: DeploymentZone,
  roles: DeploymentRole[],
  settingTags: { [key: string]: string } = {},
): SecureWindowsServerProps {
  return {
    zone,
    serverName: options.serverName,
    privateIpAddress: options.privateIpAddress,
    adminUsername: options.adminUsername,
    adminPassword: options.adminPassword,
    size: options.size,
    image: options.image,
    availabilityZone: options.availabilityZone,
    settingsAudit: options.settingsAudit,
    securityEventLog: options.securityEventLog,
    roles,
    tags: { ...(options.tags ?? {}), ...settingTags },
  };
}

/**
 * A hardened Windows Server VM with exactly one NIC in its zone: static private IP, no public IP,
 * IP forwarding off, Trusted Launch (secure boot + vTPM), encryption at host, platform patching,
 * managed boot diagnostics, system-assigned identity. The administrator password comes only as a
 * {@link SensitiveValue}. Service constructs (PXE DP, KMS host, DCs...) build on it.
 *
 * The server name is unique in the stack and the static IP unique in the network: a second server
 * with either is refused at construction.
 */
export class SecureWindowsServer extends Construct {
  /** The VM. */
  public readonly virtualMachine: WindowsVirtualMachine;
  /** The only NIC. */
  public readonly networkInterface: NetworkInterface;
  /** The static private IP. */
  public readonly privateIpAddress: string;
  /** The zone. */
  public readonly zone: DeploymentZone;
  /** The guest configuration extension, when `settingsAudit` is given. */
  public readonly guestConfigurationExtension?: VirtualMachineExtension;
  /** The Machine Configuration assignment that audits the Windows settings, when `settingsAudit` is given. */
  public readonly settingsAuditAssignment?: PolicyVirtualMachineConfigurationAssignment;

  /** The VM name (also the Windows computer name). */
  public readonly serverName: string;

  private readonly settingsParts: WindowsSettingsPart[] = [];
  /** The resources the settings extension already waits for. */
  private readonly settingsDependencies = new Set<ITerraformDependable>();
  private _settingsExtension?: VirtualMachineExtension;
  private _monitorAgent?: VirtualMachineExtension;

  constructor(scope: Construct, id: string, props: SecureWindowsServerProps) {
    super(scope, id);
    // A refused server gives back what it claimed (a caller may retry with corrected props).
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateServerProps(this, props);
      claimUnique(this, "serverName", UniqueKind.SERVER_NAME, valid.serverName);
      claimUnique(this, "privateIpAddress", UniqueKind.STATIC_IP, valid.privateIpAddress, props.zone.network);
      return valid;
    }));
    this.zone = props.zone;
    this.serverName = v.serverName;
    this.privateIpAddress = v.privateIpAddress;
    const network = props.zone.network;
    const tags = v.tags;

    this.networkInterface = new NetworkInterface(this, "Nic", {
      name: `${v.serverName}-nic`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      ipForwardingEnabled: false,
      ipConfiguration: [
        {
          name: "primary",
          primary: true,
          subnetId: props.zone.subnetId,
          privateIpAddressAllocation: "Static",
          privateIpAddress: v.privateIpAddress,
        },
      ],
      tags,
    });

    const image = v.image;
    this.virtualMachine = new WindowsVirtualMachine(this, "Vm", {
      name: v.serverName,
      computerName: v.serverName,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      size: v.size,
      adminUsername: v.adminUsername,
      adminPassword: props.adminPassword.value,
      networkInterfaceIds: [this.networkInterface.id],
      secureBootEnabled: true,
      vtpmEnabled: true,
      encryptionAtHostEnabled: true,
      // Automatic VM guest patching (R-SEC-10): Azure installs critical and security updates in
      // off-peak hours with its safe-deployment checks; bypass_platform_safety_checks_on_user_schedule_enabled
      // stays false because no maintenance configuration is attached (true is only needed, and only
      // allowed, with patch_mode AutomaticByPlatform plus a maintenance assignment that schedules it)
      // (learn.microsoft.com/azure/virtual-machines/automatic-vm-guest-patching;
      // registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/windows_virtual_machine#patch_mode).
      patchMode: "AutomaticByPlatform",
      patchAssessmentMode: "AutomaticByPlatform",
      bypassPlatformSafetyChecksOnUserScheduleEnabled: false,
      provisionVmAgent: true,
      bootDiagnostics: {},
      identity: { type: "SystemAssigned" },
      zone: v.availabilityZone,
      osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
      sourceImageReference: image,
      tags,
    });

    if (v.settingsAudit) {
      const audit = addSettingsAudit(this, this.virtualMachine, network.location, v.settingsAudit);
      this.guestConfigurationExtension = audit.extension;
      this.settingsAuditAssignment = audit.assignment;
    }
  }

  /** The VM resource ID. */
  public get virtualMachineId(): string {
    return this.virtualMachine.id;
  }

  /**
   * Adds a part to the server's one Windows settings script and returns the server's only Custom
   * Script Extension, which runs every part in the order added (Azure allows one such extension per
   * VM). A part must set its settings idempotently and read them back, throwing when they did not
   * take: that is what makes the settings *applied* in the reports.
   *
   * The script is literal text, kept in the extension's public settings so the checks can read it;
   * it must hold no token and no secret.
   * @param name part name (1-64 letters, digits, '.', '_', '-'), unique on this server
   * @param script PowerShell text
   * @param dependsOn resources the extension must wait for (e.g. a data disk attachment)
   */
  public addSettingsScript(name: string, script: string, dependsOn?: ITerraformDependable[]): VirtualMachineExtension {
    // The part is kept only once the whole command fits: an oversize part leaves the server as it was.
    const parts = [...this.settingsParts, validatePart(this.node.path, this.settingsParts, name, script)];
    const command = commandFor(this.node.path, this.serverName, parts);
    this.settingsParts.push(parts[parts.length - 1]);
    const ext = this.settingsExtension ?? new VirtualMachineExtension(this, "WindowsSettings", {
      name: "sdz-windows-settings",
      virtualMachineId: this.virtualMachine.id,
      publisher: "Microsoft.Compute",
      type: "CustomScriptExtension",
      typeHandlerVersion: "1.10",
      autoUpgradeMinorVersion: true,
    });
    this._settingsExtension = ext;
    ext.settings = JSON.stringify({ commandToExecute: command });
    // dependable() writes `type.name` (Terraform refuses "${type.name}" in depends_on); each call is a
    // new token, so the resources already waited for are remembered by identity.
    for (const d of dependsOn ?? []) {
      if (this.settingsDependencies.has(d)) continue;
      this.settingsDependencies.add(d);
      ext.dependsOn = [...(ext.dependsOn ?? []), dependable(d)];
    }
    return ext;
  }

  /**
   * Runs a PowerShell script through the server's one Custom Script Extension.
   * @param name part name
   * @param script PowerShell script text
   * @deprecated use {@link SecureWindowsServer.addSettingsScript}: this adds a part to the same single extension
   */
  public addPowerShellExtension(name: string, script: string): VirtualMachineExtension {
    return this.addSettingsScript(name, script);
  }

  /**
   * Sends the server's Windows Security event log to Log Analytics (R-SEC-8): the Azure Monitor
   * agent extension and the association with the network's data collection rule (created once per
   * network, with a default workspace unless one is named). Idempotent: a second call with the same
   * options changes nothing.
   * @param options where the events go
   * @returns whether the events are collected (false when `enabled` is false)
   */
  public collectSecurityEvents(options?: SecurityEventLogOptions): boolean {
    const o = attributeErrors(this.node.path, () => validateSecurityEventLog("securityEventLog", options));
    if (!o.enabled) return false;
    if (this._monitorAgent) return true;
    const c = attributeErrors(this.node.path, () => collectSecurityEvents(this, this.zone.network, this.virtualMachine.id, o.workspaceResourceId));
    this._monitorAgent = c.agent;
    return true;
  }

  /** The Azure Monitor agent extension, once security events are collected. */
  public get monitorAgentExtension(): VirtualMachineExtension | undefined {
    return this._monitorAgent;
  }

  /** The server's only Custom Script Extension, once a settings script part was added. */
  public get settingsExtension(): VirtualMachineExtension | undefined {
    return this._settingsExtension;
  }

  /** The names of the settings script parts, in order. */
  public get settingsScriptParts(): string[] {
    return this.settingsParts.map((p) => p.name);
  }
}

/** The default image: Windows Server 2022 Datacenter Azure Edition, latest. */
const DEFAULT_IMAGE = { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2022-datacenter-azure-edition", version: "latest" };
/** The default VM size. */
const DEFAULT_SIZE = "Standard_D2s_v5";

/** Validates a server's props before anything is built. */
function validateServerProps(scope: Construct, props: SecureWindowsServerProps) {
  requireDefined("props", props, "the server's props (zone, serverName, privateIpAddress, adminUsername, adminPassword)");
  if (!(props.zone instanceof DeploymentZone)) {
    throw props.zone === undefined ? missingProp("zone", "the DeploymentZone the server's NIC sits in") : invalidProp("zone", String(props.zone), "a DeploymentZone");
  }
  const serverName = requireAzureName("serverName", props.serverName, "windowsVm");
  const privateIpAddress = requireHostInZone("privateIpAddress", props.privateIpAddress, props.zone);
  const adminUsername = requireAdminUsername("adminUsername", props.adminUsername);
  if (!(props.adminPassword instanceof SensitiveValue)) {
    throw props.adminPassword === undefined
      ? missingProp("adminPassword", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromKeyVaultSecret)")
      : invalidSecret("adminPassword", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromKeyVaultSecret), never a string");
  }
  props.adminPassword._verify(scope, "adminPassword");
  const size = requireVmSize("size", props.size, DEFAULT_SIZE);
  const availabilityZone = requireAvailabilityZone("availabilityZone", props.availabilityZone);
  const i = props.image ?? {};
  const image = {
    publisher: requireIdentifier("image.publisher", i.publisher ?? DEFAULT_IMAGE.publisher, "an image publisher such as MicrosoftWindowsServer"),
    offer: requireIdentifier("image.offer", i.offer ?? DEFAULT_IMAGE.offer, "an image offer such as WindowsServer"),
    sku: requireIdentifier("image.sku", i.sku ?? DEFAULT_IMAGE.sku, "an image SKU such as 2022-datacenter-azure-edition"),
    version: requireIdentifier("image.version", i.version ?? DEFAULT_IMAGE.version, "an image version such as latest"),
  };
  const roles = props.roles ?? [];
  roles.forEach((r, n) => requireEnum(`roles[${n}]`, r, DeploymentRole));
  requireDerivedName("serverName", serverName, `${serverName}-nic`, "networkInterface");
  const tags = mergeTags("tags", props.zone.network.tags, requireTags("tags", props.tags),
    tagsOf(roles.length > 0 ? ZONE_TAG.roles.entry(roles) : undefined));
  const settingsAudit = props.settingsAudit === undefined ? undefined : validatePackage("settingsAudit", props.settingsAudit);
  return { serverName, privateIpAddress, adminUsername, size, availabilityZone, image, tags, settingsAudit };
}
