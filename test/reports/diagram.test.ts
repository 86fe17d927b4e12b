import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalNetworkGateway } from "@cdktf/provider-azurerm/lib/local-network-gateway";
import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { StorageAccount } from "@cdktf/provider-azurerm/lib/storage-account";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { VirtualNetworkGatewayConnection } from "@cdktf/provider-azurerm/lib/virtual-network-gateway-connection";
import { DOMParser } from "@xmldom/xmldom";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import * as fc from "fast-check";
import { README_DIAGRAM, synthesizeReferenceSite } from "../../scripts/generate-readme-diagram";
import { SecureDeploymentChecks } from "../../src/checks/aspect";
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { Finding, FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { Zones } from "../../src/engine/zones";
import { DIAGRAM_FILES, writeZoneFlowDiagrams, zoneFlowFiles } from "../../src/reports/diagram";
import { escapeDot, MAX_LABELLED_EDGES, toDot } from "../../src/reports/diagram/dot";
import * as mermaidModule from "../../src/reports/diagram/mermaid";
import { escapeMermaid, toMermaid } from "../../src/reports/diagram/mermaid";
import { renderSvg, textWidth as textWidthOf } from "../../src/reports/diagram/svg";
import { buildZoneFlowGraph, FlowNode, FlowNodeKind, ZoneFlowGraph } from "../../src/reports/diagram/zone-flow-graph";
import { ALL_RULES } from "../../src/rules";
import { newStack, synthJson } from "../support/fixtures";

// The real module objects, so that spies would see any `new Worker(...)` or child process.
/* eslint-disable @typescript-eslint/no-require-imports */
const childProcess: typeof import("child_process") = require("child_process");
const workerThreads: typeof import("worker_threads") = require("worker_threads");
/* eslint-enable @typescript-eslint/no-require-imports */

// ---------------------------------------------------------------- fixtures (raw azurerm resources)

interface ZoneSpec { id: string; zone?: string; trust?: string; prefix: string; denyAll?: boolean }

function zone(scope: Construct, z: ZoneSpec): NetworkSecurityGroup {
  const subnet = new Subnet(scope, `${z.id}_subnet`, { name: z.id, resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: [z.prefix] });
  const tags: Record<string, string> = {};
  if (z.zone) tags["sdz-zone"] = z.zone;
  if (z.trust) tags["sdz-trust"] = z.trust;
  // Rules are standalone only: azurerm forbids mixing them with inline security_rule (an explicit [] included).
  const nsg = new NetworkSecurityGroup(scope, `${z.id}_nsg`, { name: `${z.id}-nsg`, location: "westeurope", resourceGroupName: "rg", tags });
  if (z.denyAll) rule(scope, `${z.id}_deny_all`, nsg, "*", "*", "*", "*", { name: "deny-all", priority: 4096, access: "Deny" });
  new SubnetNetworkSecurityGroupAssociation(scope, `${z.id}_assoc`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  return nsg;
}

function rule(scope: Construct, id: string, nsg: NetworkSecurityGroup, protocol: string, ports: string | string[], source: string, destination = "*",
  override: { name?: string; priority?: number; access?: string } = {}) {
  return new NetworkSecurityRule(scope, id, {
    name: id, priority: 100 + (Number.parseInt(id.replace(/\D/g, "") || "0", 10) % 3000), direction: "Inbound", access: "Allow", protocol,
    sourcePortRange: "*", ...(Array.isArray(ports) ? { destinationPortRanges: ports } : { destinationPortRange: ports }),
    sourceAddressPrefix: source, destinationAddressPrefix: destination,
    resourceGroupName: "rg", networkSecurityGroupName: nsg.name, ...override,
  });
}

function modelOf(build: (scope: Construct) => void, name = "site"): TerraformModel {
  const { stack } = newStack(name);
  build(stack);
  return TerraformModel.fromTerraformJson(synthJson(stack), { name });
}

/** A small site: management, internal (deny-all), DMZ (no deny-all) and an on-premises range. */
function site(scope: Construct): void {
  zone(scope, { id: "mgmt", zone: "management", trust: "MANAGEMENT", prefix: "10.1.9.0/24", denyAll: true });
  const internal = zone(scope, { id: "internal", zone: "internal", trust: "INTERNAL", prefix: "10.1.1.0/24", denyAll: true });
  zone(scope, { id: "dmz", zone: "dmz", trust: "PERIMETER", prefix: "10.1.50.0/24" });
  new LocalNetworkGateway(scope, "branch", {
    name: "branch", location: "westeurope", resourceGroupName: "rg", gatewayAddress: "203.0.113.1", addressSpace: ["192.168.10.0/24"],
    tags: { "sdz-zone": "branch-clients", "sdz-trust": "UNTRUSTED" },
  });
  rule(scope, "rdp_internet", internal, "Tcp", "3389", "Internet");
  rule(scope, "kms_mgmt", internal, "Tcp", "1688", "10.1.9.0/24");
  rule(scope, "kms_branch", internal, "Tcp", "1688", "192.168.10.0/24", "10.1.1.4");
  rule(scope, "pxe_any", internal, "Udp", ["67", "69", "4011"], "*");
}

function nodeByLabel(g: ZoneFlowGraph, label: string): FlowNode {
  const n = g.nodes.find((x) => x.label === label);
  if (!n) throw new Error(`no node ${label} in ${g.nodes.map((x) => x.label).join(", ")}`);
  return n;
}

function finding(ruleId: string, address: string, message: string, level = RuleLevel.ERROR, status = FindingStatus.FAIL): Finding {
  return { ruleId, level, status, title: ruleId, message, fix: "fix", requirements: [], address, resourceType: address.split(".")[0] };
}

/** The Mermaid line of the arrow from node `from` to node `to` (exactly one expected). */
function mermaidArrow(mmd: string, from: FlowNode, to: FlowNode): { line: string; index: number } {
  const arrows = mmd.split("\n").filter((l) => /^\s+n\d+ (-->|==>|-\.->)\|/.test(l));
  const index = arrows.findIndex((l) => l.trim().startsWith(`${from.id} `) && l.trim().endsWith(` ${to.id}`));
  if (index < 0) throw new Error(`no arrow ${from.id} -> ${to.id} in\n${mmd}`);
  return { line: arrows[index], index };
}

// ---------------------------------------------------------------- graph and Mermaid

describe("zone-flow graph from raw azurerm resources", () => {
  const model = modelOf(site);
  const result = runRules(model, ALL_RULES);
  const graph = buildZoneFlowGraph(model, result.findings);
  const mmd = toMermaid(graph);

  test("every tagged zone (NSGs and the on-premises gateway) is a box coloured by its trust level", () => {
    expect(mmd).toMatch(/^flowchart LR$/m);
    expect(mmd).toContain("classDef trust_untrusted fill:#f8d7da");
    expect(mmd).toContain("classDef trust_perimeter fill:#ffe5b4");
    expect(mmd).toContain("classDef trust_internal fill:#d1e7dd");
    expect(mmd).toContain("classDef trust_management fill:#cfe2ff");
    const expected: [string, string, string][] = [
      ["management", "MANAGEMENT", "trust_management"],
      // Declared INTERNAL, but the configuration lets the Internet in (RDP): the lower trust is drawn.
      ["internal", "PERIMETER \\(inferred\\)", "trust_perimeter"],
      ["dmz", "PERIMETER", "trust_perimeter"],
      ["branch-clients", "UNTRUSTED", "trust_untrusted"],
    ];
    for (const [name, trust, cls] of expected) {
      const n = nodeByLabel(graph, name);
      expect(mmd).toMatch(new RegExp(`^\\s+${n.id}\\["${name}<br/>${trust}[^"]*"\\]:::${cls}$`, "m"));
    }
    // The on-premises range is grouped apart from the Azure zones.
    const onPrem = mmd.slice(mmd.indexOf("subgraph onpremises"), mmd.indexOf("end", mmd.indexOf("subgraph onpremises")));
    expect(onPrem).toContain(`${nodeByLabel(graph, "branch-clients").id}["branch-clients`);
    expect(onPrem).not.toContain("\"internal<br/>");
  });

  test("sources are matched to zones by CIDR; Internet and * are nodes of their own", () => {
    const internal = nodeByLabel(graph, "internal");
    const kmsFromMgmt = mermaidArrow(mmd, nodeByLabel(graph, "management"), internal);
    expect(kmsFromMgmt.line).toContain("|\"TCP 1688\"|");
    // A flow narrowed to one host says so.
    const kmsFromBranch = mermaidArrow(mmd, nodeByLabel(graph, "branch-clients"), internal);
    expect(kmsFromBranch.line).toContain("TCP 1688 to 10.1.1.4");
    expect(nodeByLabel(graph, "Internet").kind).toBe(FlowNodeKind.INTERNET);
    expect(nodeByLabel(graph, "Any (*)").kind).toBe(FlowNodeKind.ANY);
    expect(mermaidArrow(mmd, nodeByLabel(graph, "Any (*)"), internal).line).toContain("UDP 67, 69, 4011");
  });

  test("a finding is marked on the offending flow, which is drawn thick and red", () => {
    expect(result.findings.some((f) => f.ruleId === "SDZ-NET-001" && f.address === "azurerm_network_security_rule.rdp_internet")).toBe(true);
    const rdp = mermaidArrow(mmd, nodeByLabel(graph, "Internet"), nodeByLabel(graph, "internal"));
    expect(rdp.line).toMatch(/==>\|"TCP 3389<br\/>[^"]*#10006; SDZ-NET-001/);
    expect(mmd).toContain(`linkStyle ${rdp.index} stroke:#c1121f,stroke-width:3px`);
    // The clean flow from the management zone carries no mark and keeps the default style.
    const kms = mermaidArrow(mmd, nodeByLabel(graph, "management"), nodeByLabel(graph, "internal"));
    expect(kms.line).not.toContain("SDZ-");
    expect(kms.line).toContain("-->");
    expect(mmd).not.toContain(`linkStyle ${kms.index} `);
  });

  test("a flow the source zone's own NSG denies outbound is not drawn; what it lets out is", () => {
    type Out = [access: string, priority: number, protocol: string, port: string, destination: string];
    const outbound = (scope: Construct, id: string, nsg: NetworkSecurityGroup, ...[access, priority, protocol, port, destination]: Out) =>
      new NetworkSecurityRule(scope, id, {
        name: id, priority, direction: "Outbound", access, protocol, sourcePortRange: "*", destinationPortRange: port,
        sourceAddressPrefix: "*", destinationAddressPrefix: destination, resourceGroupName: "rg", networkSecurityGroupName: nsg.name,
      });
    const m = modelOf((scope) => {
      new VirtualNetwork(scope, "vnet", { name: "vnet", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.2.0.0/16"] });
      const clients = zone(scope, { id: "clients", zone: "clients", trust: "INTERNAL", prefix: "10.2.1.0/24", denyAll: true });
      const closed = zone(scope, { id: "closed", zone: "closed", trust: "INTERNAL", prefix: "10.2.2.0/24", denyAll: true });
      const open = zone(scope, { id: "open", zone: "open", trust: "INTERNAL", prefix: "10.2.3.0/24", denyAll: true });
      const kms = zone(scope, { id: "kms", zone: "kms", trust: "INTERNAL", prefix: "10.2.5.0/24", denyAll: true });
      // clients deny all outbound but KMS; closed denies all outbound; open keeps Azure's AllowVnetOutBound.
      outbound(scope, "clients_kms_out", clients, "Allow", 2000, "Tcp", "1688", "10.2.5.4");
      outbound(scope, "clients_deny_out", clients, "Deny", 4096, "*", "*", "*");
      outbound(scope, "closed_deny_out", closed, "Deny", 4096, "*", "*", "*");
      rule(scope, "kms_from_clients", kms, "Tcp", "1688", "10.2.1.0/24", "10.2.5.4");
      rule(scope, "smb_from_clients", kms, "Tcp", "445", "10.2.1.0/24", "10.2.5.4");
      rule(scope, "kms_from_closed", kms, "Tcp", "1688", "10.2.2.0/24", "10.2.5.4");
      rule(scope, "kms_from_open", kms, "Tcp", "1688", "10.2.3.0/24", "10.2.5.4");
      void open;
    });
    const g = buildZoneFlowGraph(m);
    const to = nodeByLabel(g, "kms");
    const arrows = g.edges.filter((e) => e.to === to.id && !e.implicit).map((e) => `${g.nodes.find((n) => n.id === e.from)!.label}: ${e.lines.join("; ")} [${e.ruleAddresses.join(", ")}]`);
    expect(arrows.sort()).toEqual([
      "clients: TCP 1688 to 10.2.5.4 [azurerm_network_security_rule.kms_from_clients]",
      "open: TCP 1688 to 10.2.5.4 [azurerm_network_security_rule.kms_from_open]",
    ]);
    // A finding on a rule drawn nowhere is still shown, on its zone.
    const g2 = buildZoneFlowGraph(m, [finding("SDZ-TEST-001", "azurerm_network_security_rule.kms_from_closed", "test")]);
    expect(nodeByLabel(g2, "kms").marks.map((x) => x.address)).toEqual(["azurerm_network_security_rule.kms_from_closed"]);
  });

  test("a zone without a deny-all shows Azure's implicit AllowVNetInBound flow, dashed", () => {
    const dmz = nodeByLabel(graph, "dmz");
    const vnet = nodeByLabel(graph, "VirtualNetwork");
    const implicit = mermaidArrow(mmd, vnet, dmz);
    expect(implicit.line).toContain("-.->");
    expect(implicit.line).toContain("AllowVNetInBound");
    // Zones with an explicit deny-all have no such arrow.
    expect(graph.edges.some((e) => e.implicit && e.to === nodeByLabel(graph, "internal").id)).toBe(false);
  });

  test("suppressed findings are not marked", () => {
    const f = finding("SDZ-NET-001", "azurerm_network_security_rule.rdp_internet", "rdp", RuleLevel.ERROR, FindingStatus.SUPPRESSED);
    const g = buildZoneFlowGraph(model, [f]);
    expect(g.edges.every((e) => e.marks.length === 0)).toBe(true);
  });
});

describe("matching findings to flows and zones", () => {
  const model = modelOf((s) => {
    const nsg = new NetworkSecurityGroup(s, "app_nsg", {
      name: "app-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "app", "sdz-trust": "INTERNAL" },
      securityRule: [
        { name: "allow-rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*" },
        { name: "allow-https", priority: 110, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "443", sourceAddressPrefix: "Internet", destinationAddressPrefix: "*" },
        { name: "allow-smb", priority: 120, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: "445", sourceAddressPrefix: "10.9.0.0/24", destinationAddressPrefix: "*" },
      ],
    });
    const subnet = new Subnet(s, "app_subnet", { name: "app", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.2.0.0/24"] });
    new SubnetNetworkSecurityGroupAssociation(s, "assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    const lng = new LocalNetworkGateway(s, "onprem", {
      name: "onprem", location: "westeurope", resourceGroupName: "rg", gatewayAddress: "203.0.113.9", addressSpace: ["172.16.0.0/16"],
      tags: { "sdz-zone": "head-office", "sdz-trust": "INTERNAL" },
    });
    new VirtualNetworkGatewayConnection(s, "tunnel", {
      name: "tunnel", location: "westeurope", resourceGroupName: "rg", type: "IPsec", virtualNetworkGatewayId: "/subscriptions/x/gw", localNetworkGatewayId: lng.id,
    });
    new StorageAccount(s, "files", { name: "filesacct", location: "westeurope", resourceGroupName: "rg", accountTier: "Standard", accountReplicationType: "LRS" });
  });

  test("rules sharing an address (inline rules) are drawn by priority, then name, whatever their order in the configuration", () => {
    const m = modelOf((s) => {
      const allow = (name: string, priority: number, port: string) => ({
        name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourcePortRange: "*", destinationPortRange: port, sourceAddressPrefix: "10.9.0.0/24", destinationAddressPrefix: "*",
      });
      const nsg = new NetworkSecurityGroup(s, "web_nsg", {
        name: "web-nsg", location: "westeurope", resourceGroupName: "rg", tags: { "sdz-zone": "web" },
        securityRule: [allow("ssh", 300, "22"), allow("b-http", 100, "80"), allow("a-https", 100, "443")],
      });
      const subnet = new Subnet(s, "web_subnet", { name: "web", resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: ["10.2.0.0/24"] });
      new SubnetNetworkSecurityGroupAssociation(s, "web_assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
    });
    const g = buildZoneFlowGraph(m);
    expect(g.edges.find((e) => e.from === nodeByLabel(g, "10.9.0.0/24").id)!.lines).toEqual(["TCP 443", "TCP 80", "TCP 22"]);
  });

  test("on an NSG with inline rules, only the rule the message names is marked", () => {
    const g = buildZoneFlowGraph(model, [finding("SDZ-NET-001", "azurerm_network_security_group.app_nsg", "rule \"allow-rdp\" allows RDP (TCP 3389) from Internet")]);
    const marked = g.edges.filter((e) => e.marks.length > 0);
    expect(marked).toHaveLength(1);
    expect(marked[0].lines).toEqual(["TCP 3389", "TCP 443"]);
    // Both Internet rules share one arrow (Internet -> app); the SMB flow from elsewhere stays clean.
    expect(g.edges.find((e) => e.lines.includes("TCP 445"))!.marks).toHaveLength(0);
  });

  test("a finding on a tunnel lands on the on-premises zone it connects; one on a storage account is listed apart", () => {
    const g = buildZoneFlowGraph(model, [
      finding("SDZ-VPN-002", "azurerm_virtual_network_gateway_connection.tunnel", "weak DH group"),
      finding("SDZ-MIG-005", "azurerm_storage_account.files", "public", RuleLevel.WARNING),
      finding("SDZ-MIG-005", "azurerm_storage_account.files", "no network rules", RuleLevel.WARNING),
    ]);
    expect(nodeByLabel(g, "head-office").marks.map((m) => m.ruleId)).toEqual(["SDZ-VPN-002"]);
    expect(g.unplaced).toEqual([{ ruleId: "SDZ-MIG-005", level: RuleLevel.WARNING, unverified: false, address: "azurerm_storage_account.files" }]);
    const mmd = toMermaid(g);
    expect(mmd).toContain("Findings on no flow or zone<br/>#9888; SDZ-MIG-005 azurerm_storage_account.files\"]:::note");
  });

  test("an unverified finding is marked with a question mark and a grey arrow", () => {
    const g = buildZoneFlowGraph(model, [finding("SDZ-NET-001", "azurerm_network_security_group.app_nsg", "rule \"allow-smb\" allows SMB", RuleLevel.WARNING, FindingStatus.UNVERIFIED)]);
    const mmd = toMermaid(g);
    expect(mmd).toMatch(/TCP 445<br\/>#63; SDZ-NET-001/);
    expect(mmd).toMatch(/linkStyle \d+ stroke:#6c757d,stroke-width:3px/);
  });

  test("a source CIDR outside every zone is a node of its own", () => {
    const g = buildZoneFlowGraph(model);
    expect(nodeByLabel(g, "10.9.0.0/24").details).toEqual(["in no zone"]);
  });
});

describe("hand-written resources without tags, and unknown values", () => {
  test("an untagged NSG is drawn grey; a source from a variable is an unresolved node", () => {
    const model = modelOf((s) => {
      const nsg = new NetworkSecurityGroup(s, "plain", { name: "plain-nsg", location: "westeurope", resourceGroupName: "rg" });
      const src = new TerraformVariable(s, "admin_range", { type: "string" });
      rule(s, "rdp_var", nsg, "Tcp", "3389", src.stringValue);
    });
    const g = buildZoneFlowGraph(model);
    const plain = nodeByLabel(g, "plain-nsg");
    expect(plain.kind).toBe(FlowNodeKind.UNTAGGED_NSG);
    const unresolved = g.nodes.find((n) => n.kind === FlowNodeKind.UNRESOLVED)!;
    expect(unresolved.label).toBe("${var.admin_range}");
    const mmd = toMermaid(g);
    expect(mmd).toMatch(new RegExp(`${plain.id}\\["plain-nsg<br/>NSG attached to no subnet here"\\]:::trust_undeclared`));
    expect(mmd).toContain(`${unresolved.id}(["#36;#123;var.admin_range#125;<br/>known only at apply time"]):::external`);
  });
});

// ---------------------------------------------------------------- escaping

describe("escaping", () => {
  const evil = "x\"]; y[\"<b>|%%\n#end\\N";

  test("Mermaid labels cannot be closed or injected", () => {
    const escaped = escapeMermaid(evil);
    expect(escaped).not.toMatch(/["[\]<>|%\n\\]/);
    expect(escaped).toBe("x#34;#93;#59; y#91;#34;#60;b#62;#124;#37;#37;#10;#35;end#92;N");
  });

  test("Mermaid escaping, for any text (lone surrogates too): only safe characters and #n; entities, and decoding them gives the text back", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => {
      const escaped = escapeMermaid(text);
      expect(escaped).toMatch(/^([A-Za-z0-9 .,:/_*+=@()-]|#\d+;)*$/);
      expect(escaped.replace(/#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))).toBe(text);
    }), { numRuns: 500 });
  });

  test("DOT strings keep quotes and backslashes literal", () => {
    expect(escapeDot("a\"b\\N\nc")).toBe("a\\\"b\\\\N c");
  });

  test("DOT escaping, for any text, is backslashes doubled, then quotes escaped, then controls made spaces", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => {
      expect(escapeDot(text)).toBe(text.replace(/\\/g, "\\\\").replace(/"/g, "\\\"").replace(/[\u0000-\u001f\u007f]/g, " "));
    }), { numRuns: 500 });
    expect(escapeDot("\\\"\u0000\u007f")).toBe("\\\\\\\"  ");
  });

  test("a zone named with markup renders safely in Mermaid, DOT and SVG", () => {
    const model = modelOf((s) => {
      zone(s, { id: "evil", zone: evil, trust: "INTERNAL", prefix: "10.3.0.0/24" });
    });
    const g = buildZoneFlowGraph(model);
    const mmd = toMermaid(g);
    expect(mmd).not.toContain("<b>");
    expect(mmd).not.toContain("\"]; y[\"");
    const dot = toDot(g);
    expect(dot).toContain("x\\\"]; y[\\\"<b>|%% #end\\\\N");
    const svg = renderSvg(g);
    expect(svg).not.toContain("<b>");
    expect(svg).not.toMatch(/NaN|Infinity/);
    const doc = parseXml(svg);
    const texts = [...Array.from(doc.getElementsByTagName("text"))].map((t) => t.textContent);
    expect(texts).toContain("x\"]; y[\"<b>|%% #end\\N");
  });
});

describe("escaping in the SVG", () => {
  test("characters XML does not allow (controls, U+FFFE, unpaired surrogates) become spaces; ]]> and entities stay text", () => {
    const name = "a\u0001b\ufffec\ud800d]]>&amp;e\u{1F600}";
    const doc = parseXml(renderSvg({ name, nodes: [], edges: [], unplaced: [] }));
    expect(Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent)).toEqual(["Zone flows: a b c d]]>&amp;e\u{1F600}"]);
  });
});

// ---------------------------------------------------------------- DOT, SVG and the writer

function parseXml(text: string) {
  const errors: string[] = [];
  const doc = new DOMParser({ onError: (level: string, msg: string) => { if (level !== "warning") errors.push(msg); } }).parseFromString(text, "image/svg+xml");
  expect(errors).toEqual([]);
  return doc;
}

describe("writeZoneFlowDiagrams", () => {
  afterEach(() => jest.restoreAllMocks());

  test("writes zone-flows.mmd, zone-flows.dot and a valid SVG naming every zone, laid out in-process (no worker, no child process)", () => {
    const workers = jest.spyOn(workerThreads, "Worker");
    const spawns = [jest.spyOn(childProcess, "execFileSync"), jest.spyOn(childProcess, "spawn"), jest.spyOn(childProcess, "spawnSync")];
    const model = modelOf(site);
    const result = runRules(model, ALL_RULES);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-diagram-"));
    writeZoneFlowDiagrams(dir, result, model);
    const graph = buildZoneFlowGraph(model, result.findings);
    expect(fs.readFileSync(path.join(dir, DIAGRAM_FILES.mermaid), "utf8")).toBe(toMermaid(graph));
    expect(fs.readFileSync(path.join(dir, DIAGRAM_FILES.dot), "utf8")).toBe(toDot(graph));
    const svg = fs.readFileSync(path.join(dir, DIAGRAM_FILES.svg), "utf8");
    expect(svg).toBe(renderSvg(graph));
    const doc = parseXml(svg);
    expect(doc.documentElement!.nodeName).toBe("svg");
    const texts = Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent ?? "");
    for (const name of ["management", "internal", "dmz", "branch-clients", "Internet"]) expect(texts).toContain(name);
    expect(texts).toContain("✖ SDZ-NET-001");
    // The offending arrow (Internet -> internal, RDP) is drawn in red, thick; its label says why.
    const edges = Array.from(doc.getElementsByTagName("g")).filter((g) => g.getAttribute("class") === "edge");
    const rdp = edges.find((g) => g.getElementsByTagName("title")[0].textContent!.startsWith("Internet → internal:"))!;
    expect(rdp.getElementsByTagName("path")[0].getAttribute("stroke")).toBe("#c1121f");
    expect(rdp.getElementsByTagName("path")[0].getAttribute("stroke-width")).toBe("2.5");
    expect(Array.from(rdp.getElementsByTagName("text")).map((t) => t.textContent)).toEqual(expect.arrayContaining(["TCP 3389", "✖ SDZ-NET-001"]));
    expect(workers).not.toHaveBeenCalled();
    for (const spawn of spawns) expect(spawn).not.toHaveBeenCalled();
  });

  test("the checks write it next to the reports of every checked stack, unless writeDiagrams is false", () => {
    for (const writeDiagrams of [true, false]) {
      const { app, stack } = newStack();
      site(stack);
      new SecureDeploymentChecks({ writeDiagrams }).applyToStack(stack);
      // The site has error findings: synth fails after the reports and diagrams are written.
      expect(() => app.synth()).toThrow(/\[SDZ-NET-001\]/);
      const files = fs.readdirSync(path.join(app.outdir, "stacks", stack.node.id));
      expect(files).toContain("compliance-report.json");
      if (writeDiagrams) expect(files).toEqual(expect.arrayContaining([DIAGRAM_FILES.mermaid, DIAGRAM_FILES.svg, DIAGRAM_FILES.dot]));
      else for (const f of Object.values(DIAGRAM_FILES)) expect(files).not.toContain(f);
    }
  });

  test("an SVG whose layout would be too large, or a file that cannot be drawn, is left out with the reason; the other files are written", () => {
    const zoneNode = (i: number): FlowNode => ({ id: `n${i}`, kind: FlowNodeKind.ZONE, label: `zone-${i}`, details: [], marks: [] });
    const arrow = (from: number, to: number) => ({ from: `n${from}`, to: `n${to}`, lines: ["TCP 1688"], omittedLines: 0, ruleAddresses: [], implicit: false, uncertain: false, marks: [] });
    const n = 250;
    // A chain of 250 zones and arrows from the first to every other: 497 arrows, but some 60,000 columns crossed.
    const wide: ZoneFlowGraph = {
      name: "wide", nodes: Array.from({ length: n }, (_, i) => zoneNode(i)), unplaced: [],
      edges: [...Array.from({ length: n - 1 }, (_, i) => arrow(i, i + 1)), ...Array.from({ length: n - 2 }, (_, i) => arrow(0, i + 2))],
    };
    const result = runRules(modelOf(() => undefined, "wide"), []);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-diagram-"));
    fs.writeFileSync(path.join(dir, DIAGRAM_FILES.svg), "stale");
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(zoneFlowFiles(dir, result, wide).map((f) => path.basename(f.file))).toEqual([DIAGRAM_FILES.mermaid, DIAGRAM_FILES.dot]);
    expect(fs.existsSync(path.join(dir, DIAGRAM_FILES.svg))).toBe(false);
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(/zone-flows\.svg not written for wide: 497 arrows crossing \d+ columns in all: more than 20000 points/);
    // A drawing that fails (here the Mermaid writer) leaves that file out; the others are still returned.
    stderr.mockClear();
    jest.spyOn(mermaidModule, "toMermaid").mockImplementation(() => {
      throw new Error("boom");
    });
    const small: ZoneFlowGraph = { name: "small", nodes: [zoneNode(0), zoneNode(1)], edges: [arrow(0, 1)], unplaced: [] };
    expect(zoneFlowFiles(dir, result, small).map((f) => path.basename(f.file))).toEqual([DIAGRAM_FILES.dot, DIAGRAM_FILES.svg]);
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toContain("zone-flows.mmd not written for wide: boom");
  });

  test("above 500 arrows no SVG is written (a stale one is removed), the Mermaid and DOT files are", () => {
    const model = modelOf((s) => {
      for (let i = 0; i < 501; i++) {
        const nsg = zone(s, { id: `z${i}`, zone: `zone-${i}`, trust: "INTERNAL", prefix: `10.${20 + Math.floor(i / 256)}.${i % 256}.0/24`, denyAll: true });
        rule(s, `neighbour${i}`, nsg, "Tcp", "1688", `10.${20 + Math.floor(((i + 1) % 501) / 256)}.${((i + 1) % 501) % 256}.0/24`);
      }
    });
    const result = runRules(model, []);
    expect(buildZoneFlowGraph(model).edges.length).toBe(501);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-diagram-"));
    fs.writeFileSync(path.join(dir, DIAGRAM_FILES.svg), "stale");
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    writeZoneFlowDiagrams(dir, result, model);
    expect(fs.readdirSync(dir).sort()).toEqual([DIAGRAM_FILES.dot, DIAGRAM_FILES.mermaid].sort());
    expect(stderr.mock.calls.map((c) => String(c[0])).join("")).toMatch(/zone-flows\.svg not written for site: 501 arrows is more than 500/);
  });
});

// ---------------------------------------------------------------- the SVG

describe("renderSvg", () => {
  const graph = buildZoneFlowGraph(modelOf(site));

  test("a configuration without zones or flows still gets a valid picture: the title, and the note of findings placed nowhere", () => {
    const empty = parseXml(renderSvg({ name: "empty", nodes: [], edges: [], unplaced: [] }));
    expect(Array.from(empty.getElementsByTagName("text")).map((t) => t.textContent)).toEqual(["Zone flows: empty"]);
    const mark = { ruleId: "SDZ-MIG-001", level: RuleLevel.ERROR, unverified: false, address: "azurerm_storage_account.share" };
    const noted = parseXml(renderSvg({ name: "n", nodes: [], edges: [], unplaced: [mark] }));
    const note = Array.from(noted.getElementsByTagName("g")).find((g) => g.getAttribute("id") === "unplaced_findings")!;
    expect(Array.from(note.getElementsByTagName("text")).map((t) => t.textContent)).toEqual(["Findings on no flow or zone", "✖ SDZ-MIG-001 azurerm_storage_account.share"]);
  });

  test("the same graph gives the same bytes", () => {
    expect(renderSvg(graph)).toBe(renderSvg(buildZoneFlowGraph(modelOf(site))));
  });

  test("an arrow within one zone is a loop over its box, with its label", () => {
    const model = modelOf((s) => {
      const nsg = zone(s, { id: "servers", zone: "servers", trust: "INTERNAL", prefix: "10.5.0.0/24", denyAll: true });
      rule(s, "rpc", nsg, "Tcp", "135", "10.5.0.4/32", "10.5.0.5/32");
    });
    const g = buildZoneFlowGraph(model);
    expect(g.edges.map((e) => [e.from, e.to])).toEqual([[g.nodes[0].id, g.nodes[0].id]]);
    const doc = parseXml(renderSvg(g));
    const node = Array.from(doc.getElementsByTagName("g")).find((x) => x.getAttribute("id") === g.nodes[0].id)!;
    const loop = Array.from(node.getElementsByTagName("g")).find((x) => x.getAttribute("class") === "edge")!;
    expect(loop.getElementsByTagName("title")[0].textContent).toBe("servers → servers: TCP 135 from 10.5.0.4/32 to 10.5.0.5/32");
    const box = node.getElementsByTagName("rect")[0];
    const top = Number(box.getAttribute("y"));
    // The loop starts on the box's top edge and rises above it.
    const d = loop.getElementsByTagName("path")[0].getAttribute("d")!;
    const ys = d.match(/-?\d+(\.\d+)?/g)!.map(Number).filter((_, k) => k % 2 === 1);
    expect(ys[0]).toBe(top);
    expect(Math.min(...ys)).toBeLessThan(top);
    expect(Array.from(loop.getElementsByTagName("text")).map((t) => t.textContent)).toEqual(["TCP 135 from 10.5.0.4/32 to 10.5.0.5/32"]);
  });

  test(`above ${MAX_LABELLED_EDGES} arrows, labels move to tooltips and the title says so`, () => {
    const model = modelOf((s) => {
      for (let i = 0; i <= MAX_LABELLED_EDGES; i++) {
        const nsg = zone(s, { id: `z${i}`, zone: `zone-${i}`, trust: "INTERNAL", prefix: `10.30.${i}.0/24`, denyAll: true });
        rule(s, `neighbour${i}`, nsg, "Tcp", "1688", `10.30.${(i + 1) % (MAX_LABELLED_EDGES + 1)}.0/24`);
      }
    });
    const g = buildZoneFlowGraph(model);
    expect(g.edges.length).toBe(MAX_LABELLED_EDGES + 1);
    const doc = parseXml(renderSvg(g));
    const edges = Array.from(doc.getElementsByTagName("g")).filter((x) => x.getAttribute("class") === "edge");
    expect(edges).toHaveLength(MAX_LABELLED_EDGES + 1);
    for (const e of edges) {
      expect(e.getElementsByTagName("text")).toHaveLength(0);
      expect(e.getElementsByTagName("title")[0].textContent).toMatch(/^zone-\d+ → zone-\d+: TCP 1688$/);
    }
    const texts = Array.from(doc.getElementsByTagName("text")).map((t) => t.textContent);
    expect(texts).toContain(`${MAX_LABELLED_EDGES + 1} arrows: labels shown on hover; read them in zone-flows.mmd`);
  });

  test("every box is wider than its text in Helvetica", () => {
    const doc = parseXml(renderSvg(graph));
    for (const node of Array.from(doc.getElementsByTagName("g")).filter((x) => x.getAttribute("class") === "node")) {
      const shape = node.getElementsByTagName("rect")[0] ?? node.getElementsByTagName("ellipse")[0];
      const width = shape.nodeName === "ellipse" ? 2 * Number(shape.getAttribute("rx")) : Number(shape.getAttribute("width"));
      expect(width).toBeGreaterThan(0);
      const direct = Array.from(node.childNodes).filter((c) => c.nodeName === "text");
      expect(direct.length).toBeGreaterThanOrEqual(2);
      for (const t of direct) expect(textWidthOf(t.textContent!, 10)).toBeLessThan(width);
    }
  });

  test("the README's SVG is byte-identical to a fresh rendering of the reference site", () => {
    const fresh = fs.readFileSync(path.join(synthesizeReferenceSite(), DIAGRAM_FILES.svg), "utf8");
    expect(fresh).toBe(fs.readFileSync(path.join(__dirname, "..", "..", README_DIAGRAM.svg), "utf8"));
  });
});

// ---------------------------------------------------------------- size

describe("cost", () => {
  test("linear in rules: one overlap query per distinct source prefix, no fan-out of broad prefixes", () => {
    const zones = 150;
    const model = modelOf((s) => {
      for (let i = 0; i < zones; i++) {
        const nsg = zone(s, { id: `z${i}`, zone: `zone-${i}`, trust: "INTERNAL", prefix: `10.20.${i}.0/24`, denyAll: true });
        rule(s, `vnetwide${i}`, nsg, "Tcp", "443", "10.20.0.0/16");
        rule(s, `neighbour${i}`, nsg, "Tcp", "1688", `10.20.${(i + 1) % zones}.0/24`);
      }
    });
    const spy = jest.spyOn(Zones.prototype, "overlapping");
    const g = buildZoneFlowGraph(model);
    expect(spy.mock.calls.length).toBe(zones + 1);
    spy.mockRestore();
    // One arrow per rule: the /16 spanning every zone is one node, not 150 arrows per rule.
    expect(g.edges).toHaveLength(2 * zones);
    expect(nodeByLabel(g, "10.20.0.0/16").details).toEqual([`spans ${zones} zones`]);
    // Past the labelled-arrow limit, DOT labels move to tooltips so Graphviz stays fast.
    expect(toDot(g)).toContain("arrows: labels shown on hover");
  });
});
