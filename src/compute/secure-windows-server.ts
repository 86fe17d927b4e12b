import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { Construct } from "constructs";
import { tagsOf } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { cidrContains, ipv4Size, parseCidr } from "../network/cidr";
import { invalidProp } from "../network/errors";
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

const RESERVED_USERNAMES = ["administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"];

/**
 * A hardened Windows Server VM with exactly one NIC in its zone: static private IP, no public IP,
 * IP forwarding off, Trusted Launch (secure boot + vTPM), encryption at host, platform patching,
 * managed boot diagnostics, system-assigned identity. The administrator password comes only as a
 * {@link SensitiveValue}. Service constructs (PXE DP, KMS host, DCs...) build on it.
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
    if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,13}[a-zA-Z0-9])?$/.test(props.serverName ?? "") || /^\d+$/.test(props.serverName)) {
      throw invalidProp("serverName", props.serverName, "1-15 letters, digits and '-', not only digits, not starting or ending with '-'");
    }
    if (!/^[a-zA-Z0-9._-]{1,20}$/.test(props.adminUsername ?? "") || RESERVED_USERNAMES.includes(props.adminUsername.toLowerCase())) {
      throw invalidProp("adminUsername", props.adminUsername, "1-20 letters, digits, '.', '_', '-', and not a well-known name such as administrator or admin");
    }
    if (!(props.adminPassword instanceof SensitiveValue)) {
      throw invalidProp("adminPassword", "<hidden>", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromToken)");
    }
    const zoneBlock = parseCidr("zone.addressPrefix", props.zone.addressPrefix);
    const ip = parseCidr("privateIpAddress", props.privateIpAddress);
    const offset = ip.start - zoneBlock.start;
    if (props.privateIpAddress.includes("/") || !cidrContains(zoneBlock, ip) || offset < 4 || offset >= ipv4Size(zoneBlock) - 1) {
      throw invalidProp("privateIpAddress", props.privateIpAddress, `a host address inside zone ${props.zone.zoneName} (${props.zone.addressPrefix}), excluding the first four and the last address that Azure reserves`);
    }

    this.zone = props.zone;
    this.privateIpAddress = props.privateIpAddress;
    const network = props.zone.network;
    const roles = props.roles ?? [];
    const tags: { [key: string]: string } = {
      ...network.tags,
      ...(props.tags ?? {}),
      ...tagsOf(roles.length > 0 ? ZONE_TAG.roles.entry(roles) : undefined),
    };

    this.networkInterface = new NetworkInterface(this, "Nic", {
      name: `${props.serverName}-nic`,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      ipForwardingEnabled: false,
      ipConfiguration: [
        {
          name: "primary",
          primary: true,
          subnetId: props.zone.subnetId,
          privateIpAddressAllocation: "Static",
          privateIpAddress: props.privateIpAddress,
        },
      ],
      tags,
    });

    const image = props.image ?? {};
    this.virtualMachine = new WindowsVirtualMachine(this, "Vm", {
      name: props.serverName,
      computerName: props.serverName,
      location: network.location,
      resourceGroupName: network.resourceGroupName,
      size: props.size ?? "Standard_D2s_v5",
      adminUsername: props.adminUsername,
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
      zone: props.availabilityZone,
      osDisk: { caching: "ReadWrite", storageAccountType: "Premium_LRS" },
      sourceImageReference: {
        publisher: image.publisher ?? "MicrosoftWindowsServer",
        offer: image.offer ?? "WindowsServer",
        sku: image.sku ?? "2022-datacenter-azure-edition",
        version: image.version ?? "latest",
      },
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
    if (!/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/.test(name ?? "")) {
      throw invalidProp("name", name, "1-64 letters, digits, '.', '_', '-'");
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
