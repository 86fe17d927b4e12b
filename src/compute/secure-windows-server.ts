import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { Construct } from "constructs";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { attributeErrors, invalidProp, invalidSecret, missingProp } from "../network/errors";
import { claimUnique, UniqueKind } from "../network/uniqueness";
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

  private extensionCount = 0;

  constructor(scope: Construct, id: string, props: SecureWindowsServerProps) {
    super(scope, id);
    const v = attributeErrors(this.node.path, () => {
      const valid = validateServerProps(this, props);
      claimUnique(this, "serverName", UniqueKind.SERVER_NAME, valid.serverName);
      claimUnique(this, "privateIpAddress", UniqueKind.STATIC_IP, valid.privateIpAddress, props.zone.network);
      return valid;
    });
    this.zone = props.zone;
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
  }

  /** The VM resource ID. */
  public get virtualMachineId(): string {
    return this.virtualMachine.id;
  }

  /**
   * Runs a PowerShell script once through the Custom Script Extension (e.g. host hardening).
   * The script is passed base64-encoded in protected settings, so it is not shown in plan output.
   * @param name extension name
   * @param script PowerShell script text
   */
  public addPowerShellExtension(name: string, script: string): VirtualMachineExtension {
    if (typeof name !== "string" || !/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(name)) {
      throw invalidProp("name", name, "1-64 letters, digits, '.', '_', '-'").inConstruct(this.node.path);
    }
    const encoded = Buffer.from(script, "utf16le").toString("base64");
    this.extensionCount++;
    return new VirtualMachineExtension(this, `Extension${this.extensionCount}`, {
      name,
      virtualMachineId: this.virtualMachine.id,
      publisher: "Microsoft.Compute",
      type: "CustomScriptExtension",
      typeHandlerVersion: "1.10",
      autoUpgradeMinorVersion: true,
      protectedSettings: JSON.stringify({ commandToExecute: `powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${encoded}` }),
    });
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
  return { serverName, privateIpAddress, adminUsername, size, availabilityZone, image, tags };
}
