/**
 * The well-known service ports of OS-deployment infrastructure, defined once. The constructs open
 * them (through `Port.KMS`, `Port.SMB`...) and the rules look for them, so the two can never
 * disagree on a number. Sources are cited per entry.
 */

/** One service's protocol and inclusive port range. @internal */
export interface ServicePort {
  /** A name for messages, e.g. `KMS`. */
  readonly name: string;
  /** NSG spelling: `Tcp` or `Udp`. */
  readonly protocol: "Tcp" | "Udp";
  readonly from: number;
  readonly to: number;
}

function tcp(name: string, from: number, to = from): ServicePort {
  return { name, protocol: "Tcp", from, to };
}
function udp(name: string, from: number, to = from): ServicePort {
  return { name, protocol: "Udp", from, to };
}

/** The service ports, by key. @internal */
export const SERVICE_PORTS = {
  // Seed 003: KMS listens on TCP 1688.
  KMS: tcp("KMS", 1688),
  // Seed 000/001/004 (R-SEC-7): management ports.
  RDP: tcp("RDP", 3389),
  SSH: tcp("SSH", 22),
  WINRM_HTTP: tcp("WinRM HTTP", 5985),
  WINRM_HTTPS: tcp("WinRM HTTPS", 5986),
  SMB: tcp("SMB", 445),
  RPC_ENDPOINT_MAPPER: tcp("RPC endpoint mapper", 135),
  // Windows Server's default dynamic RPC range (learn.microsoft.com: "Service overview and network
  // port requirements for Windows", 49152-65535).
  RPC_DYNAMIC: tcp("dynamic RPC", 49152, 65535),
  HTTP: tcp("HTTP", 80),
  HTTPS: tcp("HTTPS", 443),
  // Seed 004: Kerberos, LDAP, Global Catalog and DNS exemptions (R-SEC-1).
  KERBEROS_TCP: tcp("Kerberos", 88),
  KERBEROS_UDP: udp("Kerberos", 88),
  KERBEROS_PASSWORD_TCP: tcp("Kerberos password change", 464),
  KERBEROS_PASSWORD_UDP: udp("Kerberos password change", 464),
  LDAP_TCP: tcp("LDAP", 389),
  LDAP_UDP: udp("LDAP (DC locator)", 389),
  LDAPS: tcp("LDAPS", 636),
  GLOBAL_CATALOG: tcp("Global Catalog", 3268),
  GLOBAL_CATALOG_SSL: tcp("Global Catalog SSL", 3269),
  DNS_TCP: tcp("DNS", 53),
  DNS_UDP: udp("DNS", 53),
  NTP: udp("NTP", 123),
  // Seed 000/001: PXE uses DHCP (67/68), TFTP (69) and PXE/BINL proxyDHCP (4011); the WDS/ConfigMgr
  // PXE responder sends TFTP data from UDP 64001-65000 by default.
  DHCP_SERVER: udp("DHCP", 67),
  DHCP_CLIENT: udp("DHCP client", 68),
  TFTP: udp("TFTP", 69),
  PXE_BINL: udp("PXE/BINL", 4011),
  TFTP_DATA: udp("TFTP data", 64001, 65000),
  // Seed 002: Intel AMT listens on TCP 16992-16995; out-of-band provisioning on TCP 9971 by default.
  AMT: tcp("AMT", 16992, 16995),
  AMT_PROVISIONING: tcp("AMT provisioning", 9971),
  // Seed 004: SNMP agents (161) and traps (162).
  SNMP: udp("SNMP", 161),
  SNMP_TRAP: udp("SNMP trap", 162),
  // Seed 002: Wake-on-LAN magic packets are sent to UDP 7 (echo) or 9 (discard).
  WAKE_ON_LAN_ECHO: udp("Wake-on-LAN", 7),
  WAKE_ON_LAN_DISCARD: udp("Wake-on-LAN", 9),
  // Seed 004: IKE and IKE NAT traversal.
  IKE: udp("IKE", 500),
  IKE_NAT_TRAVERSAL: udp("IKE NAT traversal", 4500),
} as const;

/** A label such as `KMS (TCP 1688)`. @internal */
export function describeServicePort(p: ServicePort): string {
  return `${p.name} (${p.protocol.toUpperCase()} ${p.from === p.to ? p.from : `${p.from}-${p.to}`})`;
}

/** A domain service port (seed 004). @internal */
export interface DomainServicePort extends ServicePort {
  /** Kerberos, LDAP or DNS: the ports seed 004 says must target specific DC/DNS addresses (R-SEC-1). */
  readonly locator: boolean;
}

const S = SERVICE_PORTS;
/** The fixed ports domain members need on their domain controllers (seed 004). @internal */
export const DOMAIN_SERVICE_PORTS: DomainServicePort[] = [
  { ...S.KERBEROS_TCP, locator: true },
  { ...S.KERBEROS_UDP, locator: true },
  { ...S.KERBEROS_PASSWORD_TCP, locator: true },
  { ...S.KERBEROS_PASSWORD_UDP, locator: true },
  { ...S.LDAP_TCP, locator: true },
  { ...S.LDAP_UDP, locator: true },
  { ...S.LDAPS, locator: true },
  { ...S.GLOBAL_CATALOG, locator: true },
  { ...S.GLOBAL_CATALOG_SSL, locator: true },
  { ...S.DNS_TCP, locator: true },
  { ...S.DNS_UDP, locator: true },
  { ...S.RPC_ENDPOINT_MAPPER, locator: false },
  { ...S.SMB, name: "SMB (SYSVOL, Group Policy)", locator: false },
  { ...S.NTP, name: "NTP (time for Kerberos)", locator: false },
];

/** Microsoft's minimum size of a restricted dynamic RPC range. @internal */
export const MIN_RPC_DYNAMIC_PORTS = 255;
