import { Testing } from "cdktf";
import { HybridOsdSite } from "../../examples/hybrid-osd-site/main";
import { Endpoint, Probe } from "../../src/engine/access/access-model";
import { parseCidr } from "../../src/engine/access/addresses";
import { Reachability } from "../../src/engine/access/reachability";
import { SourceSet } from "../../src/engine/access/source-set";
import { TerraformModel } from "../../src/engine/model";

/**
 * Walks the reference site's flows with the effective-access model, as the checks see the
 * configuration: the NSGs of subnets and NICs (Azure's default rules included), the routes, and the
 * hub firewall's rules for traffic routed through it. Every flow the documents need is allowed, and
 * the complete list of TCP/UDP flows that cross zones is exactly the expected one.
 */
const STACK = "hybrid-osd-site";
const json = JSON.parse(Testing.synth(new HybridOsdSite(Testing.app(), STACK)));
const reach = Reachability.of(TerraformModel.fromTerraformJson(json, { name: STACK }));
const access = reach.access;

/** Named address ranges: the Azure zones (subnets) and the on-premises ranges behind the tunnel. */
const ZONES: Record<string, string[]> = {
  "servers": ["10.40.1.0/24"], "identity": ["10.40.2.0/24"], "pxe": ["10.40.3.0/24"], "content": ["10.40.4.0/24"],
  "activation": ["10.40.5.0/24"], "reference": ["10.40.6.0/24"], "management": ["10.40.9.0/24"], "perimeter": ["10.40.100.0/24"],
  "AzureFirewallSubnet": ["10.40.254.0/26"], "GatewaySubnet": ["10.40.255.0/27"],
  "onprem-servers": ["192.168.1.0/24"], "onprem-clients": ["192.168.10.0/24", "192.168.11.0/24"],
};
function setOf(cidrs: string[]): SourceSet {
  return cidrs.map((c) => parseCidr(c)!).reduce((acc, c) => acc.union(SourceSet.v4([[c.start as number, c.end as number]])), SourceSet.EMPTY);
}
const ZONE_SETS = Object.fromEntries(Object.entries(ZONES).map(([k, v]) => [k, setOf(v)]));
const KNOWN = Object.values(ZONE_SETS).reduce((a, b) => a.union(b), SourceSet.EMPTY);

function dotted(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}

/** The zones a set of addresses touches: `zone`, or `zone[a-b]` when only part of it. */
function zonesIn(s: SourceSet, except?: string): string[] {
  const out: string[] = [];
  for (const z of Object.keys(ZONES)) {
    if (z === except) continue;
    const part = s.intersect(ZONE_SETS[z]);
    if (part.isEmpty) continue;
    out.push(part.equals(ZONE_SETS[z]) ? z : `${z}[${part.v4.ranges().map(([a, b]) => (a === b ? dotted(a) : `${dotted(a)}-${dotted(b)}`)).join(",")}]`);
  }
  if (!s.subtract(KNOWN).isEmpty) out.push("elsewhere");
  return out;
}

interface Host { readonly name: string; readonly zone: string; readonly ep: Endpoint }
/** Every host: VM NICs and private endpoints, named by computer or endpoint name. */
const HOSTS: Host[] = access.endpoints.filter((ep) => (ep.kind === "nic" || ep.kind === "private-endpoint") && ep.destination.kind === "host").map((ep) => {
  const ip = ep.destination.kind === "host" ? ep.destination.cidr : undefined;
  const zone = Object.keys(ZONES).find((z) => ip && ZONE_SETS[z].overlaps(SourceSet.v4([[ip.start as number, ip.end as number]])))!;
  return { name: String(ep.vm?.resource.config.computer_name ?? ep.resource.config.name), zone, ep };
});
const host = (name: string) => HOSTS.find((h) => h.name === name)!;
const ALL_TCP: Probe = { protocol: "Tcp", from: 0, to: 65535 };
const ALL_UDP: Probe = { protocol: "Udp", from: 0, to: 65535 };

const portText = (ranges: [number, number][]) => ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(",");

/** Cross-zone inbound flows to every host, grouped per (sources, host): `from -> host (zone): Tcp 88 [via firewall], ...`. */
function crossZoneFlows(): string[] {
  const groups = new Map<string, string[]>();
  for (const h of HOSTS) {
    for (const probe of [ALL_TCP, ALL_UDP]) {
      for (const r of reach.reach(h.ep, probe).reaches) {
        const from = zonesIn(r.sources, h.zone);
        if (from.length === 0) continue;
        const key = `${from.join(" + ")} -> ${h.name} (${h.zone})`;
        const what = `${probe.protocol} ${portText(r.ports.ranges())}${r.outcome === "allow" ? "" : ` ${r.outcome}`}${r.firewall ? ` via firewall ${r.firewall.rule?.label ?? "(no rule)"}` : ""}`;
        groups.set(key, [...(groups.get(key) ?? []), what]);
      }
    }
  }
  return [...groups.entries()].map(([k, v]) => `${k}: ${v.join(", ")}`).sort();
}

/** Where `probe` traffic from a host may go outbound, per destination zone (other than its own). */
function outboundOf(name: string, probe: Probe): string[] {
  const h = host(name);
  const out: string[] = [];
  for (const g of access.outbound(h.ep, probe).grants) {
    if (g.outcome !== "allow") continue;
    for (const to of zonesIn(g.sources, h.zone)) out.push(`${probe.protocol} ${portText(g.ports.ranges())} -> ${to}`);
  }
  return [...new Set(out)].sort();
}

const DC_PORTS = "Tcp 53, Tcp 88, Tcp 135, Tcp 389, Tcp 445, Tcp 464, Tcp 636, Tcp 3268, Tcp 3269, Tcp 49152-65535, Udp 53, Udp 88, Udp 123, Udp 389, Udp 464";
const DC_MEMBERS = "servers + pxe + management + onprem-servers + onprem-clients";
const KERBEROS_DNS = "Tcp 53, Tcp 88, Udp 53, Udp 88, Udp 389";
const SITE_SERVER = "onprem-servers[192.168.1.10]";

describe("examples/hybrid-osd-site: the flows, as the effective-access model sees them", () => {
  const flows = crossZoneFlows();
  const sortPorts = (line: string) => {
    const [head, list] = line.split(": ");
    const key = (p: string) => [p.startsWith("Tcp") ? 0 : 1, Number(/\d+/.exec(p)![0])] as const;
    return `${head}: ${list.split(", ").sort((a, b) => key(a)[0] - key(b)[0] || key(a)[1] - key(b)[1]).join(", ")}`;
  };

  test("clients reach KMS (TCP 1688) only through the hub firewall's allowlist rule: the on-premises VLANs, the servers and the management zones", () => {
    const kms = flows.filter((f) => f.includes("-> kms01"));
    expect(kms).toEqual([
      "management -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
      "onprem-clients -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
      "servers -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
    ]);
  });

  test("the on-premises clients reach the PXE distribution point (relayed DHCP, TFTP, PXE, Enhanced HTTP), the state stores and nothing else in Azure but the DCs and KMS", () => {
    expect(flows.filter((f) => f.startsWith("onprem-clients ->")).map(sortPorts)).toEqual([
      "onprem-clients -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
      "onprem-clients -> osdsiteusmt01-file-pe (content): Tcp 445",
      "onprem-clients -> pxedp01 (pxe): Tcp 443, Udp 67, Udp 69, Udp 4011, Udp 64001-65000",
      "onprem-clients -> smp01 (servers): Tcp 443, Tcp 445",
    ]);
  });

  test("the reference computer reaches its capture share and the DCs' Kerberos, DNS and DC locator ports, nothing else in the network", () => {
    expect(flows.filter((f) => f.startsWith("reference ->")).map(sortPorts)).toEqual([
      `reference -> dc01 (identity): ${KERBEROS_DNS}`,
      `reference -> dc02 (identity): ${KERBEROS_DNS}`,
      "reference -> osdsitecontent01-file-pe (content): Tcp 445",
    ]);
    // Its zone denies all other outbound traffic: out it goes only to the DCs' addresses, the
    // capture share's endpoint and the update service (HTTP/HTTPS to service tags, "elsewhere").
    expect([...outboundOf("ref01", ALL_TCP), ...outboundOf("ref01", ALL_UDP)]).toEqual([
      "Tcp 443 -> elsewhere", "Tcp 445 -> content[10.40.4.5]", "Tcp 53 -> identity[10.40.2.4-10.40.2.5]", "Tcp 80 -> elsewhere",
      "Tcp 88 -> identity[10.40.2.4-10.40.2.5]",
      "Udp 389 -> identity[10.40.2.4-10.40.2.5]", "Udp 53 -> identity[10.40.2.4-10.40.2.5]", "Udp 88 -> identity[10.40.2.4-10.40.2.5]",
    ]);
  });

  test("the KMS host reaches its DNS servers, the DCs, on port 53, nothing else of them", () => {
    // The VNet's DNS servers are the DCs: without these flows the KMS host resolves no name at all
    // (the Azure Monitor agent's endpoints, Windows Update, the online activation of its host key).
    expect(flows.filter((f) => f.startsWith("activation")).map(sortPorts)).toEqual([
      "activation[10.40.5.4] -> dc01 (identity): Tcp 53, Udp 53",
      "activation[10.40.5.4] -> dc02 (identity): Tcp 53, Udp 53",
    ]);
    // The activation zone does not deny outbound traffic: its NSG lets the queries out.
    expect(outboundOf("kms01", { protocol: "Udp", from: 53, to: 53 })).toContain("Udp 53 -> identity");
    expect(outboundOf("kms01", { protocol: "Tcp", from: 53, to: 53 })).toContain("Tcp 53 -> identity");
  });

  test("the out-of-band service point sends AMT (TCP 16992-16995) to the on-premises client VLANs", () => {
    const amt = access.outbound(host("oobsp01").ep, { protocol: "Tcp", from: 16992, to: 16995 }).grants.filter((g) => g.outcome === "allow");
    expect(amt.flatMap((g) => zonesIn(g.sources, "management"))).toContain("onprem-clients");
    // Which sources the clients' AMT ports admit is not Azure's to enforce: the clients are on
    // premises, behind their router (README: it admits TCP 16992-16995 from 10.40.9.4 only).
  });

  test("nothing else crosses zones: the complete list of cross-zone TCP/UDP flows", () => {
    expect(flows.map(sortPorts)).toEqual([
      `${DC_MEMBERS} -> dc01 (identity): ${DC_PORTS}`,
      `${DC_MEMBERS} -> dc02 (identity): ${DC_PORTS}`,
      // The KMS host's name resolution: the DCs are the VNet's DNS servers.
      "activation[10.40.5.4] -> dc01 (identity): Tcp 53, Udp 53",
      "activation[10.40.5.4] -> dc02 (identity): Tcp 53, Udp 53",
      "management -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
      // IDE-redirection images on the content share.
      "management -> osdsitecontent01-file-pe (content): Tcp 445",
      // Administration of the isolated reference computer and of the member servers.
      "management -> ref01 (reference): Tcp 3389, Tcp 5985-5986",
      "management -> smp01 (servers): Tcp 3389",
      "onprem-clients -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
      "onprem-clients -> osdsiteusmt01-file-pe (content): Tcp 445",
      "onprem-clients -> pxedp01 (pxe): Tcp 443, Udp 67, Udp 69, Udp 4011, Udp 64001-65000",
      "onprem-clients -> smp01 (servers): Tcp 443, Tcp 445",
      // The ConfigMgr site server manages its site systems: only from its own address.
      `${SITE_SERVER} -> pxedp01 (pxe): Tcp 135, Tcp 445, Tcp 49152-65535`,
      `${SITE_SERVER} -> smp01 (servers): Tcp 135, Tcp 445, Tcp 49152-65535`,
      // The on-premises runner of terraform apply writes the vault's secret and certificate through its endpoint (the vault has no public access).
      "onprem-servers[192.168.1.20] -> osdsite-oob-kv-pe (management): Tcp 443",
      `reference -> dc01 (identity): ${KERBEROS_DNS}`,
      `reference -> dc02 (identity): ${KERBEROS_DNS}`,
      "reference -> osdsitecontent01-file-pe (content): Tcp 445",
      "servers -> kms01 (activation): Tcp 1688 via firewall kms-activation/kms-tcp-1688-from-allowlist",
    ].sort());
  });

  test("the perimeter reaches no host of another zone, on any TCP or UDP port", () => {
    expect(flows.filter((f) => f.includes("perimeter"))).toEqual([]);
  });
});
