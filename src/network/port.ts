import { invalidProp } from "./errors";
import { PORT_LIMITS } from "./limits";
import { SERVICE_PORTS, ServicePort } from "./service-ports";

/** Network protocols an Azure NSG rule can name. Values are the NSG spellings. */
export enum Protocol {
  TCP = "Tcp",
  UDP = "Udp",
  ICMP = "Icmp",
  ESP = "Esp",
  AH = "Ah",
  /** Any protocol. */
  ALL = "*",
}

const MIN_PORT = PORT_LIMITS.min;
const MAX_PORT = PORT_LIMITS.max;

function checkPort(prop: string, port: number): number {
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw invalidProp(prop, port, `an integer port from ${MIN_PORT} to ${MAX_PORT}`);
  }
  return port;
}

/**
 * A protocol and destination port range, in the spirit of AWS CDK's `ec2.Port`.
 *
 * Prefer the named well-known ports (`Port.KMS`, `Port.SMB`, `Port.KERBEROS_TCP`...): they come
 * from the same table the checks read, so constructs and rules never disagree on a number.
 *
 * @example Port.KMS // TCP 1688, KMS activation
 */
export class Port {
  /** KMS activation: TCP 1688. */
  public static readonly KMS = Port.of(SERVICE_PORTS.KMS);
  /** SMB: TCP 445. */
  public static readonly SMB = Port.of(SERVICE_PORTS.SMB);
  /** RDP: TCP 3389. */
  public static readonly RDP = Port.of(SERVICE_PORTS.RDP);
  /** SSH: TCP 22. */
  public static readonly SSH = Port.of(SERVICE_PORTS.SSH);
  /** WinRM over HTTP and HTTPS: TCP 5985-5986. */
  public static readonly WINRM = Port.tcpRange(SERVICE_PORTS.WINRM_HTTP.from, SERVICE_PORTS.WINRM_HTTPS.to);
  /** WinRM over HTTP: TCP 5985. */
  public static readonly WINRM_HTTP = Port.of(SERVICE_PORTS.WINRM_HTTP);
  /** WinRM over HTTPS: TCP 5986. */
  public static readonly WINRM_HTTPS = Port.of(SERVICE_PORTS.WINRM_HTTPS);
  /** RPC endpoint mapper: TCP 135. */
  public static readonly RPC_ENDPOINT_MAPPER = Port.of(SERVICE_PORTS.RPC_ENDPOINT_MAPPER);
  /** Windows Server's default dynamic RPC range: TCP 49152-65535. */
  public static readonly RPC_DYNAMIC = Port.of(SERVICE_PORTS.RPC_DYNAMIC);
  /** HTTP: TCP 80. */
  public static readonly HTTP = Port.of(SERVICE_PORTS.HTTP);
  /** HTTPS: TCP 443. */
  public static readonly HTTPS = Port.of(SERVICE_PORTS.HTTPS);
  /** Kerberos over TCP: 88. */
  public static readonly KERBEROS_TCP = Port.of(SERVICE_PORTS.KERBEROS_TCP);
  /** Kerberos over UDP: 88. */
  public static readonly KERBEROS_UDP = Port.of(SERVICE_PORTS.KERBEROS_UDP);
  /** Kerberos password change (kpasswd) over TCP: 464. */
  public static readonly KERBEROS_PASSWORD_TCP = Port.of(SERVICE_PORTS.KERBEROS_PASSWORD_TCP);
  /** Kerberos password change (kpasswd) over UDP: 464. */
  public static readonly KERBEROS_PASSWORD_UDP = Port.of(SERVICE_PORTS.KERBEROS_PASSWORD_UDP);
  /** LDAP over TCP: 389. */
  public static readonly LDAP_TCP = Port.of(SERVICE_PORTS.LDAP_TCP);
  /** LDAP over UDP (DC locator): 389. */
  public static readonly LDAP_UDP = Port.of(SERVICE_PORTS.LDAP_UDP);
  /** LDAPS: TCP 636. */
  public static readonly LDAPS = Port.of(SERVICE_PORTS.LDAPS);
  /** Global Catalog: TCP 3268. */
  public static readonly GLOBAL_CATALOG = Port.of(SERVICE_PORTS.GLOBAL_CATALOG);
  /** Global Catalog over TLS: TCP 3269. */
  public static readonly GLOBAL_CATALOG_SSL = Port.of(SERVICE_PORTS.GLOBAL_CATALOG_SSL);
  /** NTP: UDP 123. */
  public static readonly NTP = Port.of(SERVICE_PORTS.NTP);
  /** DNS over TCP: 53. */
  public static readonly DNS_TCP = Port.of(SERVICE_PORTS.DNS_TCP);
  /** DNS over UDP: 53. */
  public static readonly DNS_UDP = Port.of(SERVICE_PORTS.DNS_UDP);
  /** DHCP server: UDP 67. */
  public static readonly DHCP_SERVER = Port.of(SERVICE_PORTS.DHCP_SERVER);
  /** DHCP client: UDP 68. */
  public static readonly DHCP_CLIENT = Port.of(SERVICE_PORTS.DHCP_CLIENT);
  /** TFTP: UDP 69. */
  public static readonly TFTP = Port.of(SERVICE_PORTS.TFTP);
  /** PXE/BINL (proxyDHCP): UDP 4011. */
  public static readonly PXE_BINL = Port.of(SERVICE_PORTS.PXE_BINL);
  /** The PXE responder's default TFTP data range: UDP 64001-65000. */
  public static readonly TFTP_DATA = Port.of(SERVICE_PORTS.TFTP_DATA);
  /** Intel AMT: TCP 16992-16995. */
  public static readonly AMT = Port.of(SERVICE_PORTS.AMT);
  /** AMT out-of-band provisioning, default port: TCP 9971. */
  public static readonly AMT_PROVISIONING = Port.of(SERVICE_PORTS.AMT_PROVISIONING);
  /** SNMP agents: UDP 161. */
  public static readonly SNMP = Port.of(SERVICE_PORTS.SNMP);
  /** SNMP traps: UDP 162. */
  public static readonly SNMP_TRAP = Port.of(SERVICE_PORTS.SNMP_TRAP);
  /** IKE: UDP 500. */
  public static readonly IKE = Port.of(SERVICE_PORTS.IKE);
  /** IKE NAT traversal: UDP 4500. */
  public static readonly IKE_NAT_TRAVERSAL = Port.of(SERVICE_PORTS.IKE_NAT_TRAVERSAL);

  /** One TCP port. */
  public static tcp(port: number): Port {
    return new Port(Protocol.TCP, checkPort("port", port), port);
  }

  /** A TCP port range, inclusive. */
  public static tcpRange(fromPort: number, toPort: number): Port {
    return Port.range(Protocol.TCP, fromPort, toPort);
  }

  /** Every TCP port. */
  public static allTcp(): Port {
    return new Port(Protocol.TCP);
  }

  /** One UDP port. */
  public static udp(port: number): Port {
    return new Port(Protocol.UDP, checkPort("port", port), port);
  }

  /** A UDP port range, inclusive. */
  public static udpRange(fromPort: number, toPort: number): Port {
    return Port.range(Protocol.UDP, fromPort, toPort);
  }

  /** Every UDP port. */
  public static allUdp(): Port {
    return new Port(Protocol.UDP);
  }

  /** ICMP (NSG rules cannot narrow ICMP by type). */
  public static icmp(): Port {
    return new Port(Protocol.ICMP);
  }

  /** IPsec ESP (IP protocol 50). */
  public static esp(): Port {
    return new Port(Protocol.ESP);
  }

  /** IPsec AH (IP protocol 51). */
  public static ah(): Port {
    return new Port(Protocol.AH);
  }

  /** Every protocol and port. */
  public static allTraffic(): Port {
    return new Port(Protocol.ALL);
  }

  /** The Port of an entry of the well-known service table. @internal */
  public static _ofService(p: ServicePort): Port {
    return Port.of(p);
  }

  private static of(p: ServicePort): Port {
    return Port.range(p.protocol === "Tcp" ? Protocol.TCP : Protocol.UDP, p.from, p.to);
  }

  private static range(protocol: Protocol, fromPort: number, toPort: number): Port {
    checkPort("fromPort", fromPort);
    checkPort("toPort", toPort);
    if (fromPort > toPort) {
      throw invalidProp("toPort", toPort, `a port not below fromPort (${fromPort})`);
    }
    return new Port(protocol, fromPort, toPort);
  }

  /**
   * @param protocol the protocol
   * @param fromPort first port; undefined means every port
   * @param toPort last port, inclusive
   */
  private constructor(
    public readonly protocol: Protocol,
    public readonly fromPort?: number,
    public readonly toPort?: number,
  ) {}

  /** The NSG `destination_port_range` spelling: `1688`, `49152-65535` or `*`. */
  public get portRange(): string {
    if (this.fromPort === undefined || this.toPort === undefined) return "*";
    return this.fromPort === this.toPort ? `${this.fromPort}` : `${this.fromPort}-${this.toPort}`;
  }

  /** True when this port covers the given protocol and port number. */
  public covers(protocol: Protocol, port: number): boolean {
    if (this.protocol !== Protocol.ALL && this.protocol !== protocol) return false;
    if (this.fromPort === undefined || this.toPort === undefined) return true;
    return port >= this.fromPort && port <= this.toPort;
  }

  /** A readable label such as `TCP 1688` or `UDP 64001-65000`. */
  public toString(): string {
    const proto = this.protocol === Protocol.ALL ? "any protocol" : this.protocol.toUpperCase();
    if (this.protocol === Protocol.ICMP || this.protocol === Protocol.ESP || this.protocol === Protocol.AH) return proto;
    return this.portRange === "*" ? `${proto} any port` : `${proto} ${this.portRange}`;
  }
}
