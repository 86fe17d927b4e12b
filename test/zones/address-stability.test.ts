import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { TerraformStack, TerraformVariable } from "cdktf";
import { ActivationZone, KmsHost, KmsServer } from "../../src/activation";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { FilesIdentitySource, StateMigrationShare } from "../../src/migration";
import { IPeer, Peer, PeerKind } from "../../src/network/peer";
import { Port } from "../../src/network/port";
import { TrustLevel } from "../../src/network/trust-level";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone, FlowDirection } from "../../src/zones/deployment-zone";
import { ALLOW_BAND, DENY_BAND, homeSlot, PriorityAllocator, PriorityBand, PrioritySlotOwner } from "../../src/zones/priority-allocator";
import { newStack, synthJson } from "../support/fixtures";

/** Every resource address of a synthesized stack, with the body fields that identify it to Azure. */
function addresses(json: any): Map<string, { name?: string; priority?: number }> {
  const out = new Map<string, { name?: string; priority?: number }>();
  for (const [type, byId] of Object.entries<any>(json.resource ?? {})) {
    for (const [id, body] of Object.entries<any>(byId)) out.set(`${type}.${id}`, { name: body.name, priority: body.priority });
  }
  return out;
}

/** Addresses present in `after` and not in `before`, and addresses of `before` that are gone or changed. */
function diff(before: Map<string, unknown>, after: Map<string, unknown>) {
  const added = [...after.keys()].filter((k) => !before.has(k)).sort();
  const removedOrChanged = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k))).sort();
  return { added, removedOrChanged };
}

function site(stack: TerraformStack) {
  const network = new DeploymentNetwork(stack, "Net", { name: "site-vnet", location: "westeurope", addressSpace: ["10.30.0.0/16"] });
  const mgmt = new DeploymentZone(stack, "Mgmt", { network, zoneName: "mgmt", addressPrefix: "10.30.9.0/24", trustLevel: TrustLevel.MANAGEMENT });
  const servers = new DeploymentZone(stack, "Servers", { network, zoneName: "servers", addressPrefix: "10.30.1.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
  const store = new DeploymentZone(stack, "Store", { network, zoneName: "store", addressPrefix: "10.30.2.0/24", trustLevel: TrustLevel.INTERNAL });
  return { network, mgmt, servers, store };
}

describe("address stability: adding or removing a flow renames nothing else", () => {
  function build(insert: boolean) {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP from management");
    servers.allowInbound(Peer.zone(mgmt), Port.WINRM, "WinRM from management");
    if (insert) {
      servers.allowInbound(Peer.ipv4("10.30.9.4"), Port.HTTPS, "Inserted: HTTPS from the admin host");
      servers.denyInbound(Peer.ipv4("10.30.9.5"), Port.SMB, "Inserted: no SMB from the jump host");
      servers.allowOutbound(Peer.zone(mgmt), Port.SMB, "Inserted: reports to management");
    }
    servers.denyInbound(Peer.anyIpv4(), Port.SSH, "No SSH");
    servers.allowInbound(Peer.serviceTag("AzureLoadBalancer"), Port.HTTPS, "Health probes");
    servers.allowOutbound(Peer.zone(mgmt), Port.KMS, "KMS");
    return synthJson(stack);
  }

  test("inserting three flows in the middle adds exactly three rules; every other address, name and priority is unchanged", () => {
    const before = addresses(build(false));
    const after = addresses(build(true));
    const { added, removedOrChanged } = diff(before, after);
    expect(removedOrChanged).toEqual([]);
    expect(added.map((a) => after.get(a)!.name).sort()).toEqual([
      "allow-in-tcp-443-from-10-30-9-4-1f148a55d7",
      "allow-out-tcp-445-to-zone-mgmt-950dce1411",
      "deny-in-tcp-445-from-10-30-9-5-248bdaf8de",
    ]);
    // ...and removing them again gives back exactly the first configuration
    expect(diff(after, before).added).toEqual([]);
  });

  test("the same flows in another call order synthesize the same resources", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    servers.allowOutbound(Peer.zone(mgmt), Port.KMS, "KMS");
    servers.allowInbound(Peer.serviceTag("AzureLoadBalancer"), Port.HTTPS, "Health probes");
    servers.denyInbound(Peer.anyIpv4(), Port.SSH, "No SSH");
    servers.allowInbound(Peer.zone(mgmt), Port.WINRM, "WinRM from management");
    servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP from management");
    expect([...addresses(synthJson(stack)).entries()].sort()).toEqual([...addresses(build(false)).entries()].sort());
  });

  test("a share added before another keeps the other share's resources and the network's private DNS zone where they were", () => {
    function shares(first: boolean) {
      const { stack } = newStack();
      const { store, mgmt } = site(stack);
      const common = { zone: store, quotaGib: 100, identity: { source: FilesIdentitySource.ENTRA_KERBEROS }, clients: [Peer.zone(mgmt)] };
      if (first) new StateMigrationShare(stack, "Content", { ...common, storageAccountName: "contentstore01", privateIpAddress: "10.30.2.11" });
      new StateMigrationShare(stack, "Usmt", { ...common, storageAccountName: "usmtstore01", privateIpAddress: "10.30.2.10" });
      return synthJson(stack);
    }
    const before = addresses(shares(false));
    const afterJson = shares(true);
    const after = addresses(afterJson);
    const { added, removedOrChanged } = diff(before, after);
    expect(removedOrChanged).toEqual([]);
    // One private DNS zone and one VNet link per network, named after the network, in either case
    const dns = Object.entries<any>(afterJson.resource.azurerm_private_dns_zone);
    expect(dns.map(([id, b]) => [id.startsWith("Net_FilePrivateDnsZone"), b.name])).toEqual([[true, "privatelink.file.core.windows.net"]]);
    expect(Object.values<any>(afterJson.resource.azurerm_private_dns_zone_virtual_network_link).map((l) => l.name)).toEqual(["site-vnet-file-link"]);
    // Everything added belongs to the new share
    expect(added.every((a) => a.split(".")[1].startsWith("Content_") || /allow-in-tcp-445-from-zone-mgmt/.test(after.get(a)!.name ?? ""))).toBe(true);
    // The DNS zone's address does not depend on which share came first
    expect(before.has(`azurerm_private_dns_zone.${dns[0][0]}`)).toBe(true);
  });
});

describe("address stability inside service constructs", () => {
  /**
   * A KMS host whose allowlist is the servers and management zones, synthesized without and with `client` between them
   * (with `closed`, the site also has an INTERNAL zone 10.30.3.0/24 that denies outbound): the addresses added and changed.
   */
  function insertKmsClient(client: IPeer, closed = false) {
    function kms(insert: boolean) {
      const { stack } = newStack();
      const { network, mgmt, servers } = site(stack);
      if (closed) new DeploymentZone(stack, "Closed", { network, zoneName: "closed", addressPrefix: "10.30.3.0/24", trustLevel: TrustLevel.INTERNAL, denyAllOutbound: true });
      const activation = new ActivationZone(stack, "Activation", { network, zoneName: "activation", addressPrefix: "10.30.5.0/24" });
      const adminPassword = SensitiveValue.fromVariable(new TerraformVariable(stack, "pw", { type: "string", sensitive: true }));
      new KmsHost(stack, "Kms", {
        zone: activation,
        allowedClients: insert ? [servers, client, mgmt] : [servers, mgmt],
        kmsServer: KmsServer.newServer({ serverName: "kms01", privateIpAddress: "10.30.5.4", adminUsername: "opsadmin", adminPassword }),
      });
      return synthJson(stack);
    }
    const before = addresses(kms(false));
    const after = addresses(kms(true));
    return { ...diff(before, after), after };
  }

  test("a KMS client inserted in the middle of the allowlist adds its rule and renames nothing (the hardening script changes in place)", () => {
    const { added, removedOrChanged, after } = insertKmsClient(Peer.ipv4("10.30.7.0/24"));
    expect(removedOrChanged).toEqual([]);
    expect(added.map((a) => after.get(a)!.name)).toEqual([expect.stringMatching(/^allow-in-tcp-1688-from-10-30-7-0-24-[0-9a-f]{10}$/)]);
  });

  test("a KMS client CIDR inside a zone that denies outbound adds its inbound and its outbound rule only; the zone clients' rules keep their addresses", () => {
    const { added, removedOrChanged, after } = insertKmsClient(Peer.ipv4("10.30.3.16/28"), true);
    expect(removedOrChanged).toEqual([]);
    expect(added).toEqual([
      expect.stringMatching(/^azurerm_network_security_rule\.Activation_AllowIn-tcp-1688-[0-9a-f]{10}_[0-9A-F]{8}$/),
      expect.stringMatching(/^azurerm_network_security_rule\.Closed_AllowOut-tcp-1688-[0-9a-f]{10}_[0-9A-F]{8}$/),
    ]);
    expect(added.map((a) => after.get(a)!.name)).toEqual([
      expect.stringMatching(/^allow-in-tcp-1688-from-10-30-3-16-28-[0-9a-f]{10}$/),
      expect.stringMatching(/^allow-out-tcp-1688-to-10-30-5-4-32-[0-9a-f]{10}$/),
    ]);
  });
});

describe("duplicate flows collapse to one rule", () => {
  test("the same flow twice (even with another description) returns the same rule and synthesizes once", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    const a = servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP from management");
    const b = servers.allowInbound(Peer.zone(mgmt), Port.tcp(3389), "RDP again, from another construct");
    const c = servers.allowInbound(Peer.ipv4("10.30.9.0/24"), Port.RDP, "The same prefix written as a CIDR");
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(servers.flows.map((f) => f.description)).toEqual(["RDP from management"]);
    const rules = Object.values<any>(synthJson(stack).resource.azurerm_network_security_rule).filter((r) => r.destination_port_range === "3389");
    expect(rules).toHaveLength(1);
  });

  test("an allow and a deny of the same traffic, or another local end, are different flows", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    const allow = servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP");
    const deny = servers.denyInbound(Peer.zone(mgmt), Port.RDP, "no RDP");
    const narrow = servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP to one host", { local: Peer.ipv4("10.30.1.4/32") });
    expect(new Set([allow, deny, narrow]).size).toBe(3);
    expect(new Set([allow, deny, narrow].map((r) => r.nameInput)).size).toBe(3);
  });

  test("a duplicate with another explicit priority is refused, naming the existing priority", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP", { priority: 300 });
    expect(servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP", { priority: 300 })).toBeDefined();
    expect(servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP")).toBeDefined();
    expect(() => servers.allowInbound(Peer.zone(mgmt), Port.RDP, "RDP", { priority: 310 }))
      .toThrow(/Invalid priority: 310\. Allowed: 300, or no priority: the same flow \(allow inbound TCP 3389 from zone mgmt\) already exists/);
  });
});

describe("priority bands", () => {
  test("an automatic deny always shadows an automatic allow, whichever is called first", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    servers.allowInbound(Peer.zone(mgmt), Port.allTcp(), "all TCP from management");
    servers.denyInbound(Peer.ipv4("10.30.9.66"), Port.SMB, "but no SMB from the kiosk");
    const [allow, deny] = servers.flows;
    expect(deny.priority).toBeLessThan(allow.priority);
    expect(deny.priority).toBeGreaterThanOrEqual(DENY_BAND.from);
    expect(deny.priority).toBeLessThanOrEqual(DENY_BAND.to);
    expect(allow.priority).toBeGreaterThanOrEqual(ALLOW_BAND.from);
    expect(allow.priority).toBeLessThanOrEqual(ALLOW_BAND.to);
  });

  test("flows whose ends are known only after apply are keyed by the reference, not by the token's sequence number", () => {
    function build(extraTokens: boolean) {
      const { stack } = newStack();
      const { servers } = site(stack);
      const v = new TerraformVariable(stack, "jump_host", { type: "string" });
      if (extraTokens) for (let i = 0; i < 5; i++) new TerraformVariable(stack, `unrelated_${i}`, { type: "string" }).stringValue;
      const peer: IPeer = { kind: PeerKind.CIDRS, label: "jump host", addressPrefixes: [v.stringValue] };
      servers.allowInbound(peer, Port.RDP, "RDP from the jump host");
      return Object.entries<any>(synthJson(stack).resource.azurerm_network_security_rule)
        .filter(([, r]) => r.destination_port_range === "3389").map(([id, r]) => [id, r.name, r.priority]);
    }
    expect(build(true)).toEqual(build(false));
  });
});

class Owner implements PrioritySlotOwner {
  public priority = -1;
  public waitsFor: Owner[] = [];
  constructor(public readonly key: string) {}
  public setPriority(p: number) { this.priority = p; }
  public setPredecessors(o: PrioritySlotOwner[]) { this.waitsFor = o as Owner[]; }
}

describe("PriorityAllocator", () => {
  /** Keys that all hash to the same home slot of a 4-slot band. */
  function collidingKeys(band: PriorityBand, n: number): string[] {
    const byHome = new Map<number, string[]>();
    for (let i = 0; ; i++) {
      const k = `flow-${i}`;
      const h = homeSlot(k, band);
      const list = [...(byHome.get(h) ?? []), k];
      byHome.set(h, list);
      if (list.length === n) return list;
    }
  }

  test("home slots are a pure function of the key, inside the band", () => {
    for (const k of ["a", "b", "Inbound|Allow|Tcp|3389|10.0.0.0/24|10.0.1.0/24"]) {
      expect(homeSlot(k, ALLOW_BAND)).toBe(homeSlot(k, ALLOW_BAND));
      expect(homeSlot(k, ALLOW_BAND)).toBeGreaterThanOrEqual(ALLOW_BAND.from);
      expect(homeSlot(k, ALLOW_BAND)).toBeLessThanOrEqual(ALLOW_BAND.to);
    }
  });

  test("collisions are resolved in key order: the result does not depend on the order flows were added", () => {
    const band = { from: 2000, to: 2003 };
    const keys = collidingKeys(band, 3);
    const place = (order: string[]) => {
      const a = new PriorityAllocator("inbound");
      const owners = new Map(order.map((k) => [k, new Owner(k)]));
      for (const k of order) a.addAutomatic(k, owners.get(k)!, band);
      return keys.map((k) => owners.get(k)!.priority);
    };
    const first = place(keys);
    expect(place([...keys].reverse())).toEqual(first);
    expect(place([keys[1], keys[2], keys[0]])).toEqual(first);
    expect(new Set(first).size).toBe(3);
  });

  test("a rule standing on a displaced rule's probe run waits for it (depends_on), so Azure never sees two rules at one priority", () => {
    const band = { from: 2000, to: 2009 };
    const [k1, k2] = collidingKeys(band, 2).sort();
    const a = new PriorityAllocator("inbound");
    const second = new Owner(k2);
    a.addAutomatic(k2, second, band);
    const home = second.priority;
    expect(second.waitsFor).toEqual([]);
    // k1 sorts first, so it takes the home slot and k2 moves up by one: k1 must wait for k2's move.
    const first = new Owner(k1);
    a.addAutomatic(k1, first, band);
    expect(first.priority).toBe(home);
    expect(second.priority).toBe(home === band.to ? band.from : home + 1);
    expect(first.waitsFor).toEqual([second]);
    expect(second.waitsFor).toEqual([]);
  });

  /** A key whose home slot is `home`, sorting after `after` (when given). */
  function keyAt(band: PriorityBand, home: number, prefix: string, after = ""): string {
    for (let i = 0; ; i++) {
      const k = `${prefix}-${i}`;
      if (homeSlot(k, band) === home && k > after) return k;
    }
  }

  test("removing a flow: each rule shifting back into the slot another rule leaves waits for that rule (p08)", () => {
    // Before: E (explicit) on X's home h, X at h+1 on Y's home, Y at h+2. Removing E shifts X to h and Y
    // to h+1: Y must not be moved before X has left h+1 (Azure: SecurityRuleConflict).
    const band = { from: 2000, to: 2009 };
    const x = keyAt(band, 2003, "x");
    const y = keyAt(band, 2004, "y", x);
    const build = (withE: boolean) => {
      const a = new PriorityAllocator("inbound");
      const owners = { e: new Owner("e"), x: new Owner(x), y: new Owner(y) };
      if (withE) a.addExplicit("e", owners.e, 2003);
      a.addAutomatic(x, owners.x, band);
      a.addAutomatic(y, owners.y, band);
      return owners;
    };
    const before = build(true);
    expect([before.e.priority, before.x.priority, before.y.priority]).toEqual([2003, 2004, 2005]);
    // The removed rule waited for the rule that takes its slot: Terraform keeps that dependency in
    // state and updates X only after destroying E.
    expect(before.e.waitsFor).toEqual([before.x]);
    expect(before.x.waitsFor).toEqual([before.y]);
    const after = build(false);
    expect([after.x.priority, after.y.priority]).toEqual([2003, 2004]);
    expect(after.y.waitsFor).toEqual([after.x]);
    expect(after.x.waitsFor).toEqual([]);
  });

  test("every one-flow addition and removal is ordered, except removals between rules that collide with each other; never a cycle", () => {
    // Exhaustive over small sets in a 20-slot band: for each set C and flow f, compare the layouts of
    // C and C+f. Adding f: a rule moving into a slot another rule leaves must (transitively) wait for
    // it in C+f. Removing f: the same in C, except that the rule leaving f's slot is f itself (ordered
    // by f's own dependency, kept in state) and the documented exception.
    const band = { from: 2000, to: 2019 };
    const byHome = new Map<number, string[]>();
    for (let i = 0; ![...byHome.values()].some((l) => l.length >= 3); i++) byHome.set(homeSlot(`k${i}`, band), [...(byHome.get(homeSlot(`k${i}`, band)) ?? []), `k${i}`]);
    // three keys sharing a home h, and keys whose homes follow (sorting after them: they are placed later) and precede it
    const [h, triple] = [...byHome.entries()].find(([, l]) => l.length >= 3)!;
    const near = (d: number) => band.from + ((h - band.from + d + 20) % 20);
    const pool = [...triple.slice(0, 3), keyAt(band, near(1), "x"), keyAt(band, near(2), "y"), keyAt(band, near(-1), "a"), keyAt(band, near(4), "z")];
    const build = (keys: string[]) => {
      const a = new PriorityAllocator("inbound");
      const m = new Map<string, Owner>();
      a.addExplicit("pinned", new Owner("pinned"), near(3));
      for (const k of keys) {
        const o = new Owner(k);
        m.set(k, o);
        a.addAutomatic(k, o, band);
      }
      return m;
    };
    const reaches = (from: Owner, to: Owner) => {
      const seen = new Set<Owner>();
      const todo = [...from.waitsFor];
      while (todo.length) {
        const o = todo.pop()!;
        if (o === to) return true;
        if (!seen.has(o)) todo.push(...o.waitsFor), seen.add(o);
      }
      return false;
    };
    const onProbeRun = (o: Owner, slot: number) => {
      for (let p = homeSlot(o.key, band); p !== o.priority; p = p === band.to ? band.from : p + 1) if (p === slot) return true;
      return false;
    };
    let orderedRemovals = 0;
    let exceptions = 0;
    for (let mask = 0; mask < 1 << pool.length; mask++) {
      const c = pool.filter((_, i) => (mask >> i) & 1);
      if (c.length > 6) continue;
      const small = build(c);
      for (const o of small.values()) expect(reaches(o, o)).toBe(false);
      for (const f of pool.filter((k) => !c.includes(k))) {
        const big = build([...c, f]);
        const at = (m: Map<string, Owner>, slot: number) => [...m.values()].find((o) => o.priority === slot);
        for (const o of big.values()) {
          const was = small.get(o.key);
          const leaving = at(small, o.priority);
          if (was?.priority !== o.priority && leaving && leaving.key !== o.key) expect(reaches(o, big.get(leaving.key)!)).toBe(true);
        }
        for (const o of small.values()) {
          const leaving = at(big, o.priority);
          if (big.get(o.key)!.priority === o.priority || !leaving || leaving.key === o.key) continue;
          if (leaving.key === f) {
            expect(reaches(leaving, big.get(o.key)!)).toBe(true);
            continue;
          }
          const other = small.get(leaving.key)!;
          if (reaches(o, other)) orderedRemovals++;
          else {
            // the exception: the two collide (one's probe run passes the other's slot) in C
            expect(onProbeRun(o, other.priority) || onProbeRun(other, o.priority)).toBe(true);
            exceptions++;
          }
        }
      }
    }
    expect(orderedRemovals).toBeGreaterThan(0);
    expect(exceptions).toBeGreaterThan(0);
  });

  test("an explicit priority inside a band is kept; automatic rules step around it", () => {
    const band = { from: 2000, to: 2003 };
    const [k] = collidingKeys(band, 1);
    const a = new PriorityAllocator("inbound");
    const auto = new Owner(k);
    a.addAutomatic(k, auto, band);
    const home = auto.priority;
    const pinned = new Owner("pinned");
    // explicit priorities are only checked against the 100-4095 range, so any slot works here
    a.addExplicit("pinned", pinned, home);
    expect(pinned.priority).toBe(home);
    expect(auto.priority).not.toBe(home);
    expect(pinned.waitsFor).toEqual([auto]);
  });

  test("a full band refuses one more automatic rule, leaving other bands open", () => {
    const band = { from: 2000, to: 2002 };
    const a = new PriorityAllocator("inbound");
    for (let i = 0; i < 3; i++) a.addAutomatic(`k${i}`, new Owner(`k${i}`), band);
    expect(() => a.checkRoom(band)).toThrow(/Invalid priority: "auto \(3 automatic inbound rules in 2000-2002\)".*the band is full/);
    expect(() => a.checkRoom({ from: 2003, to: 2004 })).not.toThrow();
  });

  test("the zone records flows in call order with their current priorities", () => {
    const { stack } = newStack();
    const { mgmt, servers } = site(stack);
    servers.allowInbound(Peer.zone(mgmt), Port.RDP, "one");
    servers.allowOutbound(Peer.zone(mgmt), Port.KMS, "two");
    expect(servers.flows.map((f) => [f.direction, f.description, f.priority === f.rule.priorityInput])).toEqual([
      [FlowDirection.INBOUND, "one", true],
      [FlowDirection.OUTBOUND, "two", true],
    ]);
  });
});

describe("shared provider attributes are read once per zone and network, not per rule", () => {
  // Every read of a provider attribute creates a new token and captures a stack trace (issue 19).
  test("ten flows in each of three zones read the NSG name once per zone and the resource group name once", () => {
    const nsgName = jest.spyOn(NetworkSecurityGroup.prototype, "name", "get");
    const rgName = jest.spyOn(ResourceGroup.prototype, "name", "get");
    const subnetId = jest.spyOn(Subnet.prototype, "id", "get");
    try {
      const { stack } = newStack();
      const network = new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
      for (let z = 0; z < 3; z++) {
        const zone = new DeploymentZone(stack, `Z${z}`, { network, zoneName: `z${z}`, addressPrefix: `10.0.${z}.0/24`, trustLevel: TrustLevel.INTERNAL });
        for (let i = 0; i < 10; i++) zone.allowInbound(Peer.ipv4(`10.1.${i}.0/24`), Port.tcp(1000 + i), `flow ${i}`);
        expect(zone.subnetId).toBe(zone.subnetId);
      }
      expect(nsgName).toHaveBeenCalledTimes(3);
      expect(rgName).toHaveBeenCalledTimes(1);
      expect(subnetId).toHaveBeenCalledTimes(3);
    } finally {
      nsgName.mockRestore();
      rgName.mockRestore();
      subnetId.mockRestore();
    }
  });
});
