import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Construct } from "constructs";
import { DEFAULT_RPC_DYNAMIC_END, DEFAULT_RPC_DYNAMIC_START, DOMAIN_SERVICE_PORTS, MIN_RPC_DYNAMIC_PORTS, portOf } from "./domain-services";
import { requireTrustedAllowlist } from "../activation/zone-trust";
import { SecureWindowsServer, SecureWindowsServerProps, serverProps, WindowsServerOptions } from "../compute/secure-windows-server";
import { checkSecurityEventLog } from "../compute/security-events";
import { DeploymentRole } from "../contract/zone-tags";
import { attributeErrors, childPath, invalidProp, missingProp, requireIntInRange } from "../network/errors";
import { PORT_LIMITS } from "../network/limits";
import { IPeer, Peer } from "../network/peer";
import { Port } from "../network/port";
import { TrustLevel } from "../network/trust-level";
import { requireDefined, requireTrustedZoneLevel } from "../network/validators";
import { allowFromOutboundDeniedClients, CLIENT_CIDRS_ALLOWED, OutboundSide, resolveOutboundDeniedClients } from "../zones/client-placement";
import { ZoneOptions, zoneProps, DeploymentZone } from "../zones/deployment-zone";

/**
 * Properties of an {@link IdentityZone}. ICMP from the network (`allowIcmpFromNetwork`) is not
 * counted as exposure by SDZ-KMS-006; with `denyAllOutbound`, replication is opened outbound too.
 */
export interface IdentityZoneProps extends ZoneOptions {
  /** Zone name; also the subnet name. */
  readonly zoneName: string;
  /**
   * Trust level: INTERNAL or MANAGEMENT. Domain controllers never sit in a perimeter or untrusted zone (R-KMS-7).
   * @default TrustLevel.INTERNAL
   */
  readonly trustLevel?: TrustLevel;
  /**
   * The domain members allowed to reach the domain services, as specific peers (zones, CIDRs or
   * hosts; no any, no service tag). Zones below INTERNAL trust are refused: a domain controller is
   * never exposed to perimeter traffic (R-KMS-7). A client zone, or a CIDR inside a zone, that
   * denies all outbound traffic (`denyAllOutbound`) also gets the domain services out of that zone
   * (from the CIDR's own prefixes); a CIDR covering only part of such a zone is refused. Build the
   * client zones before this zone (a later one fails synth).
   */
  readonly domainClients: IPeer[];
  /**
   * First port of the dynamic RPC range the domain controllers use (restrict it on the DCs with
   * `netsh int ipv4 set dynamicport tcp start=<start> num=<count>`), 1025-65535.
   * @default 49152
   */
  readonly rpcDynamicPortStart?: number;
  /**
   * Last port of the dynamic RPC range (at least 255 ports after the start, as Microsoft requires).
   * @default 65535
   */
  readonly rpcDynamicPortEnd?: number;
}

/**
 * The zone that holds the domain controllers. Domain services (Kerberos 88 TCP/UDP, kpasswd 464,
 * LDAP 389 TCP/UDP, LDAPS 636, Global Catalog 3268/3269, DNS 53 TCP/UDP, RPC 135 plus the declared
 * dynamic range, SMB 445 for SYSVOL and NTP 123) are opened to the declared client peers only, and
 * only towards each domain controller's own address, never the whole range or any (R-SEC-1,
 * seed 004). Everything else is denied by the zone's deny-all rule, so perimeter traffic never
 * reaches a domain controller (R-KMS-7).
 *
 * The deny-all also applies between hosts of the same subnet, so the zone opens replication between
 * its own domain controllers automatically as they are added: the same ports (RPC 135 and the
 * dynamic range for AD replication and DFSR, SMB 445 for SYSVOL, LDAP/GC, Kerberos, DNS, NTP),
 * from each DC's /32 to each other DC's /32 only, in both directions (and outbound too when
 * `denyAllOutbound` is set), one rule per pair of DCs and port, so adding or removing a DC renames
 * no other DC's rules. No other host of the zone gains access. ICMP between the DCs comes
 * from the zone's default ICMP rule (`allowIcmpFromNetwork`).
 */
export class IdentityZone extends DeploymentZone {
  /** The declared domain clients. */
  public readonly domainClients: IPeer[];
  /** The dynamic RPC port range opened to the clients. */
  public readonly rpcDynamicPorts: Port;

  private readonly clientPeer: IPeer;
  /** The outbound side each client needs, resolved once (one list per client). */
  private readonly clientSides: OutboundSide[];
  private readonly controllers: DomainController[] = [];
  private readonly replicationRuleList: NetworkSecurityRule[] = [];

  constructor(scope: Construct, id: string, props: IdentityZoneProps) {
    const v = attributeErrors(childPath(scope, id), () => validateIdentityProps(props));
    super(scope, id, zoneProps(props, props.zoneName, v.trust));
    try {
      this.clientSides = attributeErrors(this.node.path, () => {
        requireTrustedAllowlist(this, "domainClients", props.domainClients, TrustLevel.INTERNAL,
          "Domain controllers are never exposed to perimeter traffic (R-KMS-7): keep perimeter servers out of the internal domain (standalone, or a separate perimeter forest).");
        return resolveOutboundDeniedClients(this, "domainClients", props.domainClients, `domain clients: ${CLIENT_CIDRS_ALLOWED}`).flat();
      });
    } catch (e) {
      this._abandon(); // the base zone gives its prefix and name back, so a corrected retry is accepted
      throw e;
    }
    this.domainClients = [...props.domainClients];
    this.rpcDynamicPorts = v.rpcDynamicPorts;
    const prefixes = Array.from(new Set(props.domainClients.flatMap((p) => p.addressPrefixes)));
    this.clientPeer = props.domainClients.length === 1 ? props.domainClients[0] : Peer.ipv4List(prefixes);
  }

  /** The domain controllers of the zone. */
  public get domainControllers(): DomainController[] {
    return [...this.controllers];
  }

  /** The static IPs of the domain controllers (use them as the VNet's DNS servers). */
  public get domainControllerAddresses(): string[] {
    return this.controllers.map((d) => d.privateIpAddress);
  }

  /**
   * The NSG rules that open replication between the domain controllers (DC /32s to DC /32s), in
   * creation order. Empty while the zone has fewer than two domain controllers.
   */
  public get replicationRules(): NetworkSecurityRule[] {
    return [...this.replicationRuleList];
  }

  /**
   * Opens the domain services from the declared clients to one domain controller's address, and
   * replication between it and the zone's other domain controllers. Called by {@link DomainController}.
   * @internal
   */
  public _registerDomainController(dc: DomainController): NetworkSecurityRule[] {
    const others = [...this.controllers];
    this.controllers.push(dc);
    const local = Peer.ipv4(`${dc.privateIpAddress}/32`);
    const rules: NetworkSecurityRule[] = [];
    const services: { port: Port; what: string }[] = [
      ...DOMAIN_SERVICE_PORTS.map((p) => ({ port: portOf(p), what: `${p.name} ${p.protocol.toUpperCase()} ${p.from} to ${dc.serverName}` })),
      { port: this.rpcDynamicPorts, what: `RPC dynamic ${this.rpcDynamicPorts.portRange} to ${dc.serverName}` },
    ];
    for (const { port, what } of services) {
      rules.push(this.allowInbound(this.clientPeer, port, what, { local }));
      // Out of a client zone that denies all outbound traffic too, or its own NSG drops the request.
      rules.push(...allowFromOutboundDeniedClients(this.clientSides, local, port, what));
    }
    if (others.length > 0) rules.push(...this.openReplication(dc, local, others));
    return rules;
  }

  /**
   * Replication between a new DC and each DC already in the zone, both directions, each DC's /32
   * only: the zone's deny-all applies inside the subnet too, so without these rules two DCs of the
   * same zone could not replicate (AD replication over RPC 135 and the dynamic range, SYSVOL/DFSR
   * over SMB 445 and RPC, Kerberos, LDAP, GC, DNS zone transfers, NTP from the PDC emulator).
   * With `denyAllOutbound` the same flows are also allowed outbound.
   *
   * One rule per ordered pair of DCs and port: its intent (and so its address and Azure name) is
   * that pair's two /32s, whatever order the DCs are built in, so adding, removing or reordering a
   * DC adds or removes only that DC's rules and renames none of the others' (a rule per "new DC vs.
   * the DCs before it" changed every later rule when one DC went). The price is n·(n-1) rules per
   * port: 15 ports, so 90 rules for 3 DCs, 180 for 4 (twice that with `denyAllOutbound`), under
   * Azure's 1,000 rules per NSG, which the zone enforces.
   */
  private openReplication(dc: DomainController, self: IPeer, others: DomainController[]): NetworkSecurityRule[] {
    const ports: { port: Port; what: string }[] = [
      ...DOMAIN_SERVICE_PORTS.map((p) => ({ port: portOf(p), what: `${p.name} ${p.protocol.toUpperCase()} ${p.from}` })),
      { port: this.rpcDynamicPorts, what: `RPC dynamic ${this.rpcDynamicPorts.portRange}` },
    ];
    const rules: NetworkSecurityRule[] = [];
    for (const other of others) {
      const peer = Peer.ipv4(`${other.privateIpAddress}/32`);
      for (const { port, what } of ports) {
        rules.push(this.allowInbound(peer, port, `DC replication ${what} from ${other.serverName} to ${dc.serverName}`, { local: self }));
        rules.push(this.allowInbound(self, port, `DC replication ${what} from ${dc.serverName} to ${other.serverName}`, { local: peer }));
        if (this.outboundDenied) {
          rules.push(this.allowOutbound(peer, port, `DC replication ${what} from ${dc.serverName} to ${other.serverName}`, { local: self }));
          rules.push(this.allowOutbound(self, port, `DC replication ${what} from ${other.serverName} to ${dc.serverName}`, { local: peer }));
        }
      }
    }
    this.replicationRuleList.push(...rules);
    return rules;
  }
}

/** Validates what the identity zone adds to a zone's props. */
function validateIdentityProps(props: IdentityZoneProps): { trust: TrustLevel; rpcDynamicPorts: Port } {
  requireDefined("props", props, "the identity zone's props (network, zoneName, addressPrefix, domainClients)");
  const trust = requireTrustedZoneLevel(props.trustLevel, "domain controllers are never placed in a perimeter or untrusted zone (R-KMS-7)");
  const start = props.rpcDynamicPortStart ?? DEFAULT_RPC_DYNAMIC_START;
  const end = props.rpcDynamicPortEnd ?? DEFAULT_RPC_DYNAMIC_END;
  requireIntInRange("rpcDynamicPortStart", start, RPC_DYNAMIC_MIN_START, PORT_LIMITS.max);
  if (props.rpcDynamicPortEnd === undefined && end - start + 1 < MIN_RPC_DYNAMIC_PORTS) {
    // Only the start was given: the range is too short because of it, so the error names it.
    throw invalidProp("rpcDynamicPortStart", start, `an integer from ${RPC_DYNAMIC_MIN_START} to ${end - MIN_RPC_DYNAMIC_PORTS + 1}, giving at least ${MIN_RPC_DYNAMIC_PORTS} ports up to the default rpcDynamicPortEnd (${end}); or pass rpcDynamicPortEnd too`);
  }
  if (!Number.isInteger(end) || end > PORT_LIMITS.max || end - start + 1 < MIN_RPC_DYNAMIC_PORTS) {
    throw invalidProp("rpcDynamicPortEnd", props.rpcDynamicPortEnd, `an integer up to ${PORT_LIMITS.max} giving at least ${MIN_RPC_DYNAMIC_PORTS} ports from rpcDynamicPortStart (${start})`);
  }
  requireDefined("domainClients", props.domainClients, "a non-empty list of the domain members' peers (zones, CIDRs or hosts)");
  return { trust, rpcDynamicPorts: Port.tcpRange(start, end) };
}

/** The lowest first port of a restricted dynamic RPC range (the well-known and registered ports below stay out). */
const RPC_DYNAMIC_MIN_START = 1025;

/** Properties of a {@link DomainController}. */
export interface DomainControllerProps extends WindowsServerOptions {
  /** The identity zone the domain controller sits in. */
  readonly zone: IdentityZone;
}

/**
 * A domain controller: a {@link SecureWindowsServer} with the `domain-controller` role (`sdz-role`
 * tag) and a static private IP in an {@link IdentityZone}. The zone opens the domain services to
 * the declared clients towards this address only. A domain controller never hosts KMS (R-KMS-1):
 * {@link KmsHost} refuses it.
 */
export class DomainController extends SecureWindowsServer {
  private static serverProps(scope: Construct, id: string, props: DomainControllerProps): SecureWindowsServerProps {
    if (!(props?.zone instanceof IdentityZone)) {
      const allowed = "an IdentityZone (domain controllers live in the identity zone)";
      throw props?.zone === undefined ? missingProp("zone", allowed) : invalidProp("zone", (props.zone as any)?.zoneName ?? String(props.zone), allowed);
    }
    // Checked before the server is built: refused later, the half-built controller would stay in the tree.
    const zone = props.zone;
    attributeErrors(childPath(scope, id), () => checkSecurityEventLog(zone.network, props.securityEventLog));
    return serverProps(props, props.zone, [DeploymentRole.DOMAIN_CONTROLLER]);
  }

  /** The VM name. */
  public readonly serverName: string;
  /** The identity zone. */
  public readonly identityZone: IdentityZone;

  constructor(scope: Construct, id: string, props: DomainControllerProps) {
    // A second DC with the same address is refused by SecureWindowsServer (static IPs are unique per network).
    super(scope, id, DomainController.serverProps(scope, id, props));
    this.serverName = props.serverName;
    this.identityZone = props.zone;
    props.zone._registerDomainController(this);
    // Security events to Log Analytics (R-SEC-8), by default, as every deployment server.
    this.collectSecurityEvents(props.securityEventLog);
  }
}
