import { VirtualMachineRunCommand } from "@cdktf/provider-azurerm/lib/virtual-machine-run-command";
import { dependable, Token } from "cdktf";
import { Construct } from "constructs";
import { configMgrPxeRunCommandScript, configMgrPxeSnippet } from "./configmgr-snippet";
import { PxeZone } from "./pxe-zone";
import { ConfigMgrSiteServer, runOnSiteServer } from "../compute/configmgr-site-server";
import { SecureWindowsServer, serverProps, WindowsServerOptions } from "../compute/secure-windows-server";
import { checkSecurityEventLog } from "../compute/security-events";
import { PXE_TAG, PxeContentTransport } from "../contract/pxe-tags";
import { tagsOf } from "../contract/tag";
import { DeploymentRole } from "../contract/zone-tags";
import { SensitiveValue } from "../core/sensitive-value";
import { addStackArtifact } from "../core/stack-artifact";
import { attributeErrors, ConstructErrorCode, invalidProp, invalidSecret, missingProp, requireIntInRange } from "../network/errors";
import { PORT_LIMITS, TAG_LIMITS } from "../network/limits";
import { IPeer, Peer, requireSpecificPeers } from "../network/peer";
import { Port } from "../network/port";
import { SERVICE_PORTS } from "../network/service-ports";
import { buildOrAbandon } from "../network/uniqueness";
import { requireBoolean, requireDefined, requireDnsDomain, requireEnum, requireIdentifier, requireText } from "../network/validators";

/** Properties of a {@link PxeDistributionPoint}. */
export interface PxeDistributionPointProps extends WindowsServerOptions {
  /** The PXE zone the distribution point's only NIC sits in. */
  readonly zone: PxeZone;
  /** The Configuration Manager site code (3 letters or digits), for the generated snippet. */
  readonly siteCode: string;
  /**
   * The Active Directory DNS domain the distribution point joins; the snippet addresses the
   * distribution point as `<serverName>.<domainName>`.
   * @default - the bare server name
   */
  readonly domainName?: string;
  /**
   * Answer PXE requests from unknown (not prestaged) computers. Off by default (R-PXE-6); turning
   * it on requires `unknownComputerJustification`, and the checks still warn about it.
   * @default false
   */
  readonly unknownComputerSupport?: boolean;
  /**
   * Why unknown computers must be served and how the client segments are access-controlled
   * (20-256 characters). Required when `unknownComputerSupport` is true; recorded as a tag and in
   * the snippet.
   * @default - none
   */
  readonly unknownComputerJustification?: string;
  /**
   * Multicast deployment. Refused when true: Azure virtual networks carry no multicast or
   * broadcast traffic, so a distribution point hosted in Azure cannot serve multicast sessions (R-PXE-7).
   * @default false
   */
  readonly multicast?: boolean;
  /**
   * How clients download boot images and content.
   * @default PxeContentTransport.ENHANCED_HTTP
   */
  readonly contentTransport?: PxeContentTransport;
  /**
   * The owner's declaration that the images served over PXE carry no line-of-business
   * applications or sensitive data (R-PXE-8). Must be true: install such software with a task
   * sequence after deployment instead.
   */
  readonly imagesFreeOfSensitiveContent: boolean;
  /**
   * First port of the TFTP data range the PXE responder uses (1024-65535).
   * @default 64001
   */
  readonly tftpDataPortStart?: number;
  /**
   * Last port of the TFTP data range (at most 1000 ports after the first).
   * @default 65000
   */
  readonly tftpDataPortEnd?: number;
  /**
   * Seconds the distribution point waits before it answers a PXE request (0-32).
   * @default 0
   */
  readonly pxeResponseDelaySec?: number;
  /**
   * The Configuration Manager site server(s) that manage this distribution point (specific
   * addresses or a zone): SMB (TCP 445), RPC (TCP 135) and dynamic RPC (TCP 49152-65535) are
   * opened from them only.
   * @default - no management flow is opened
   */
  readonly siteServers?: IPeer[];
  /**
   * The Configuration Manager site server (an Azure VM). When given, the distribution point runs
   * its ConfigMgr settings there (a VM run command: PXE with a password, unknown computers,
   * multicast, the answering interface, Enhanced HTTP), reads them back and fails when they did not
   * take: the settings are *applied*. Without it they are only *declared*: run the generated
   * `<serverName>-configmgr-pxe.ps1` yourself.
   * @default - the settings are declared and the script is written for you to run
   */
  readonly configMgrSiteServer?: ConfigMgrSiteServer;
  /**
   * The PXE boot password, only as a sensitive value (a protected parameter of the run command).
   * Required with `configMgrSiteServer`, refused without it (the generated script prompts for it).
   * @default - none
   */
  readonly pxePassword?: SensitiveValue;
}

const DEFAULT_TFTP_START = SERVICE_PORTS.TFTP_DATA.from;
const DEFAULT_TFTP_END = SERVICE_PORTS.TFTP_DATA.to;

/**
 * A PXE-enabled Configuration Manager distribution point hosted in a {@link PxeZone}: a
 * {@link SecureWindowsServer} (one NIC in the PXE subnet with a static private IP, no public IP,
 * IP forwarding off, Trusted Launch, encryption at host, platform patching, managed boot
 * diagnostics) tagged with the `pxe-distribution-point` role and its typed PXE settings (see
 * {@link PxeSettingTags}).
 *
 * It opens, to its own address only and from the zone's client segments and relay agents only
 * (R-PXE-3): DHCP (UDP 67), PXE/BINL (UDP 4011), TFTP (UDP 69 and its data range) and content
 * (TCP 443 for Enhanced HTTP, or TCP 80 / TCP 445 when asked).
 *
 * ConfigMgr settings are not Azure resources. With `configMgrSiteServer` (and `pxePassword`), a VM
 * run command on the site server applies them and reads them back: PXE with a required password
 * (a protected parameter), unknown-computer support off unless justified, PXE answers on the DP's
 * NIC only, multicast off, Enhanced HTTP on; the reports show them as *applied*. Without it they
 * are *declared*: the construct writes `<serverName>-configmgr-pxe.ps1` next to `cdk.tf.json`, a
 * ready-to-run script (it prompts for the password) that the site administrator must run.
 */
export class PxeDistributionPoint extends Construct {
  /** The hardened server. */
  public readonly server: SecureWindowsServer;
  /** The zone. */
  public readonly zone: PxeZone;
  /** The static private IP PXE requests are relayed to. */
  public readonly privateIpAddress: string;
  /** The content transport. */
  public readonly contentTransport: PxeContentTransport;
  /** Whether unknown computers are answered. */
  public readonly unknownComputerSupport: boolean;
  /** The TFTP data port range, e.g. `64001-65000`. */
  public readonly tftpDataPorts: string;
  /** File name of the generated ConfigMgr snippet in the stack output folder. */
  public readonly snippetFileName: string;
  /** The run command that applies the ConfigMgr settings on the site server, when `configMgrSiteServer` is given. */
  public readonly configMgrRunCommand?: VirtualMachineRunCommand;

  constructor(scope: Construct, id: string, props: PxeDistributionPointProps) {
    super(scope, id);
    // Refused (here or by its server), it leaves the tree and gives back what its server claimed.
    const v = buildOrAbandon(this, () => attributeErrors(this.node.path, () => {
      const valid = validateDpProps(props);
      // Before the server is built, so such a refusal leaves no server behind.
      checkSecurityEventLog(props.zone.network, props.securityEventLog);
      return valid;
    }));
    const { unknown, justification, transport, tftpStart, tftpEnd, delay, siteServers, siteCode, domainName } = v;
    this.zone = props.zone;
    this.privateIpAddress = props.privateIpAddress;
    this.contentTransport = transport;
    this.unknownComputerSupport = unknown;
    this.tftpDataPorts = `${tftpStart}-${tftpEnd}`;

    const settings = tagsOf(
      PXE_TAG.passwordRequired.entry(true),
      PXE_TAG.unknownComputers.entry(unknown),
      unknown && justification ? PXE_TAG.unknownComputersJustification.entry(justification) : undefined,
      PXE_TAG.multicast.entry(false),
      PXE_TAG.contentTransport.entry(transport),
      PXE_TAG.respondAllInterfaces.entry(false),
      PXE_TAG.imagesFreeOfSensitiveContent.entry(true),
      PXE_TAG.tftpDataPorts.entry({ from: tftpStart, to: tftpEnd }),
    );

    this.server = buildOrAbandon(this, () => new SecureWindowsServer(this, "Server", serverProps(props, props.zone, [DeploymentRole.PXE_DISTRIBUTION_POINT], settings)));

    // Flows to this server only, from the client segments and relay agents only (R-PXE-3).
    const clients = props.zone.pxeClientPeer;
    const self = Peer.ipv4(`${props.privateIpAddress}/32`);
    const name = props.serverName;
    props.zone.allowInbound(clients, Port.DHCP_SERVER, `DHCP relayed to PXE DP ${name}`, { local: self });
    props.zone.allowInbound(clients, Port.PXE_BINL, `PXE BINL proxyDHCP to DP ${name}`, { local: self });
    props.zone.allowInbound(clients, Port.TFTP, `TFTP boot image requests to DP ${name}`, { local: self });
    props.zone.allowInbound(clients, Port.udpRange(tftpStart, tftpEnd), `TFTP data to DP ${name}`, { local: self });
    const content = transport === PxeContentTransport.ENHANCED_HTTP ? Port.HTTPS : transport === PxeContentTransport.HTTP ? Port.HTTP : Port.SMB;
    props.zone.allowInbound(clients, content, `Content download (${transport}) from DP ${name}`, { local: self });
    (siteServers ?? []).forEach((peer) => {
      props.zone.allowInbound(peer, Port.SMB, `ConfigMgr site server SMB to DP ${name}`, { local: self });
      props.zone.allowInbound(peer, Port.RPC_ENDPOINT_MAPPER, `ConfigMgr site server RPC endpoint mapper to DP ${name}`, { local: self });
      props.zone.allowInbound(peer, Port.RPC_DYNAMIC, `ConfigMgr site server dynamic RPC to DP ${name}`, { local: self });
    });

    // Security events to Log Analytics (R-SEC-8), by default.
    this.server.collectSecurityEvents(props.securityEventLog);

    this.snippetFileName = `${props.serverName}-configmgr-pxe.ps1`;
    const fqdn = domainName ? `${props.serverName}.${domainName}` : props.serverName;
    const snippetInput = {
      siteCode: siteCode.toUpperCase(),
      distributionPoint: fqdn,
      serverName: props.serverName,
      pxeIpAddress: props.privateIpAddress,
      unknownComputerSupport: unknown,
      unknownComputerJustification: justification,
      contentTransport: transport,
      responseDelaySec: delay,
      tftpDataPorts: this.tftpDataPorts,
      zoneName: props.zone.zoneName,
      clientSegments: props.zone.clientSegments,
      relayAgents: props.zone.relayAgents,
    };
    addStackArtifact(this, "ConfigMgrSnippet", this.snippetFileName, () => configMgrPxeSnippet(snippetInput));
    if (v.site && v.pxePassword) {
      v.pxePassword._verify(this, "pxePassword");
      this.configMgrRunCommand = runOnSiteServer(this, "ConfigMgrSettings", v.site, `sdz-pxe-${props.serverName}`, configMgrPxeRunCommandScript(snippetInput), [
        { name: "PxePassword", value: v.pxePassword.value, secret: true },
        { name: "PxeMacAddress", value: this.server.networkInterface.macAddress, secret: false },
      ]);
      this.configMgrRunCommand.dependsOn = [dependable(this.server.virtualMachine)]; // `type.name`, not "${...}" (Terraform refuses it)
    }
  }
}

/** Validates what the distribution point adds to the server's props (the server validates the rest). */
function validateDpProps(props: PxeDistributionPointProps) {
  requireDefined("props", props, "the distribution point's props (zone, server settings, siteCode, imagesFreeOfSensitiveContent)");
  if (!(props.zone instanceof PxeZone)) {
    const allowed = "a PxeZone: a PXE distribution point lives only in a segmented PXE zone (R-PXE-1)";
    throw props.zone === undefined ? missingProp("zone", allowed) : invalidProp("zone", String(props.zone), allowed);
  }
  if (props.multicast === true) {
    throw invalidProp("multicast", true,
      "false: Azure virtual networks carry no multicast or broadcast traffic, so a distribution point hosted in Azure cannot serve multicast deployments (R-PXE-7). Use unicast PXE, or a multicast-enabled distribution point on a secure on-premises segment");
  }
  if (props.multicast !== undefined && typeof props.multicast !== "boolean") throw invalidProp("multicast", props.multicast, "false (or omit it)");
  const siteCode = requireIdentifier("siteCode", props.siteCode, "a Configuration Manager site code: exactly 3 letters or digits, e.g. P01");
  if (!/^[A-Za-z0-9]{3}$/.test(siteCode)) throw invalidProp("siteCode", props.siteCode, "a Configuration Manager site code: exactly 3 letters or digits, e.g. P01");
  const domainName = props.domainName === undefined ? undefined : requireDnsDomain("domainName", props.domainName);
  const unknown = requireBoolean("unknownComputerSupport", props.unknownComputerSupport, false);
  const justification = props.unknownComputerJustification === undefined ? undefined
    : requireText("unknownComputerJustification", props.unknownComputerJustification, 0, TAG_LIMITS.valueMaxLength, "a written justification");
  if (unknown) {
    if (!justification || justification.length < 20 || Token.isUnresolved(justification)) {
      throw invalidProp("unknownComputerJustification", props.unknownComputerJustification,
        `a written justification of 20-${TAG_LIMITS.valueMaxLength} characters saying why unknown computers must be served and how the client segments are access-controlled (R-PXE-6)`,
        justification === undefined ? ConstructErrorCode.MISSING_VALUE : ConstructErrorCode.INVALID_VALUE);
    }
    if (/[\r\n]/.test(justification)) throw invalidProp("unknownComputerJustification", props.unknownComputerJustification, "a single line of text");
  } else if (justification !== undefined) {
    throw invalidProp("unknownComputerJustification", props.unknownComputerJustification,
      "nothing unless unknownComputerSupport is true (a justification without the setting would be misleading)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  const transport = requireEnum("contentTransport", props.contentTransport, PxeContentTransport, PxeContentTransport.ENHANCED_HTTP);
  if (props.imagesFreeOfSensitiveContent !== true) {
    const allowed = "true: declare that the PXE images carry no line-of-business applications or sensitive data (R-PXE-8); install those with a task sequence after deployment";
    throw props.imagesFreeOfSensitiveContent === undefined ? missingProp("imagesFreeOfSensitiveContent", allowed) : invalidProp("imagesFreeOfSensitiveContent", props.imagesFreeOfSensitiveContent, allowed);
  }
  const tftpStart = requireIntInRange("tftpDataPortStart", props.tftpDataPortStart ?? DEFAULT_TFTP_START, PORT_LIMITS.unprivilegedMin, PORT_LIMITS.max);
  const tftpEnd = requireIntInRange("tftpDataPortEnd", props.tftpDataPortEnd ?? DEFAULT_TFTP_END, tftpStart, Math.min(PORT_LIMITS.max, tftpStart + TFTP_DATA_MAX_SPAN));
  const delay = requireIntInRange("pxeResponseDelaySec", props.pxeResponseDelaySec ?? 0, 0, PXE_DELAY_MAX_SEC);
  const siteServers = props.siteServers;
  if (siteServers !== undefined) requireSpecificPeers("siteServers", siteServers, 16);
  const site = props.configMgrSiteServer;
  if (site !== undefined && !(site instanceof ConfigMgrSiteServer)) {
    throw invalidProp("configMgrSiteServer", String(site), "ConfigMgrSiteServer.fromServer(server) or ConfigMgrSiteServer.fromVirtualMachineId(id, location)");
  }
  const pxePassword = props.pxePassword;
  if (site && pxePassword === undefined) {
    throw missingProp("pxePassword", "a SensitiveValue with the PXE boot password: the run command on the site server sets it (R-PXE-5)");
  }
  if (pxePassword !== undefined) {
    if (!(pxePassword instanceof SensitiveValue)) throw invalidSecret("pxePassword", "a SensitiveValue (SensitiveValue.fromVariable or SensitiveValue.fromKeyVaultSecret), never a string");
    if (!site) throw invalidSecret("pxePassword", "nothing without configMgrSiteServer: nothing would set it (the generated script prompts for the password)", ConstructErrorCode.CONFLICTING_VALUE);
  }
  return { unknown, justification, transport, tftpStart, tftpEnd, delay, siteServers, siteCode, domainName, site, pxePassword };
}

/** The TFTP data range spans at most 1000 ports (above the privileged ports). */
const TFTP_DATA_MAX_SPAN = 1000;
/** ConfigMgr's PXE response delay: 0-32 seconds. */
const PXE_DELAY_MAX_SEC = 32;
