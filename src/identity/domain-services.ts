import { Port } from "../network/port";

/** A domain service port. @internal */
export interface DomainServicePort {
  readonly name: string;
  readonly protocol: "Tcp" | "Udp";
  readonly port: number;
  /** Kerberos, LDAP or DNS: the ports seed 004 says must target specific DC/DNS addresses (R-SEC-1). */
  readonly locator: boolean;
}

/** The fixed ports domain members need on their domain controllers (seed 004). @internal */
export const DOMAIN_SERVICE_PORTS: DomainServicePort[] = [
  { name: "Kerberos", protocol: "Tcp", port: 88, locator: true },
  { name: "Kerberos", protocol: "Udp", port: 88, locator: true },
  { name: "Kerberos password change", protocol: "Tcp", port: 464, locator: true },
  { name: "Kerberos password change", protocol: "Udp", port: 464, locator: true },
  { name: "LDAP", protocol: "Tcp", port: 389, locator: true },
  { name: "LDAP (DC locator)", protocol: "Udp", port: 389, locator: true },
  { name: "LDAPS", protocol: "Tcp", port: 636, locator: true },
  { name: "Global Catalog", protocol: "Tcp", port: 3268, locator: true },
  { name: "Global Catalog SSL", protocol: "Tcp", port: 3269, locator: true },
  { name: "DNS", protocol: "Tcp", port: 53, locator: true },
  { name: "DNS", protocol: "Udp", port: 53, locator: true },
  { name: "RPC endpoint mapper", protocol: "Tcp", port: 135, locator: false },
  { name: "SMB (SYSVOL, Group Policy)", protocol: "Tcp", port: 445, locator: false },
  { name: "NTP (time for Kerberos)", protocol: "Udp", port: 123, locator: false },
];

/** The Port of a domain service port entry. @internal */
export function portOf(p: DomainServicePort): Port {
  return p.protocol === "Tcp" ? Port.tcp(p.port) : Port.udp(p.port);
}

/** Default dynamic RPC range of Windows Server. @internal */
export const DEFAULT_RPC_DYNAMIC_START = 49152;
/** @internal */
export const DEFAULT_RPC_DYNAMIC_END = 65535;
/** Microsoft's minimum size of a restricted dynamic RPC range. @internal */
export const MIN_RPC_DYNAMIC_PORTS = 255;
