import { invalidProp } from "./errors";

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

const MIN_PORT = 1;
const MAX_PORT = 65535;

function checkPort(prop: string, port: number): number {
  if (!Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw invalidProp(prop, port, `an integer port from ${MIN_PORT} to ${MAX_PORT}`);
  }
  return port;
}

/**
 * A protocol and destination port range, in the spirit of AWS CDK's `ec2.Port`.
 *
 * @example Port.tcp(1688) // KMS activation
 */
export class Port {
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
