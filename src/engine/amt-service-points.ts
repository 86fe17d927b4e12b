/**
 * Out-of-band (Intel AMT) service points, with evidence. A VM is a service point when the role
 * model says so (declared `sdz-role`, or reachable on the AMT provisioning port through a rule
 * written for it), or when it is *the source of the only allows to AMT ports*: every NSG rule of
 * the configuration that allows TCP 16992-16995 (inbound or outbound, written for those ports)
 * allows only addresses of that one VM. That is how a hand-written site says "this host manages
 * the AMT clients" without any tag (issue 13).
 *
 * Additive to `roles.ts` (which stays the general role model): rules of the out-of-band pack ask
 * this file, which builds on it.
 */
import { Cidr } from "./access/addresses";
import { Intervals, V4, V6 } from "./access/intervals";
import { Reachability } from "./access/reachability";
import { SourceSet, TokenSet } from "./access/source-set";
import { Nic, NsgRule, Vm } from "./access/topology";
import { namesRange } from "./exposure";
import { TerraformModel, TfResource } from "./model";
import { RoleClaim, Roles } from "./roles";
import { DeploymentRole } from "../contract/zone-tags";
import { SERVICE_PORTS } from "../network/service-ports";

/** One out-of-band service point. */
export interface AmtServicePoint {
  readonly vm: Vm;
  /** Why it is one: the declared role, or what the configuration shows. */
  readonly claim: RoleClaim;
  /** Its known private addresses (one per NIC IP configuration with a static or literal address). */
  readonly addresses: readonly Cidr[];
  /** Why some address is not known before apply (a dynamic address, an address from a variable). */
  readonly addressUnknown?: string;
  /** Its NICs' resources (settings tags may sit on them). */
  readonly nics: readonly TfResource[];
}

/** Why the "only source of the AMT allows" inference could not be made, when an AMT allow cannot be read. */
export interface AmtSourceDoubt {
  readonly rule: NsgRule;
  readonly reason: string;
}

/** The service points of one configuration. Build once with {@link AmtServicePoints.of}. */
export class AmtServicePoints {
  public static of(model: TerraformModel): AmtServicePoints {
    return model.memo("amt-service-points", () => new AmtServicePoints(model));
  }

  /** `azurerm_windows_virtual_machine.sp (10.0.9.10; declared: sdz-role=...)`, for messages. */
  public static describe(sp: AmtServicePoint): string {
    const where = sp.addresses.length > 0 ? sp.addresses.map((a) => a.text).join(", ") : "address not known before apply";
    return `${sp.vm.resource.address} (${where}; ${sp.claim.source}: ${sp.claim.evidence})`;
  }

  public readonly points: AmtServicePoint[] = [];
  /** AMT allows whose fields are not known: the "only source" inference was not attempted because of them. */
  public readonly sourceDoubts: AmtSourceDoubt[] = [];
  private readonly byVm = new Map<Vm, AmtServicePoint>();

  private constructor(model: TerraformModel) {
    const roles = Roles.of(model);
    const topology = Reachability.of(model).access.topology;
    const claims = new Map<Vm, RoleClaim>();
    for (const { vm, claim } of roles.vmsWith(DeploymentRole.OOB_SERVICE_POINT)) claims.set(vm, claim);
    const source = this.onlyAmtSource(topology.rules, topology.vms);
    if (source && !claims.has(source.vm)) claims.set(source.vm, { role: DeploymentRole.OOB_SERVICE_POINT, source: "inferred", evidence: source.evidence });
    for (const vm of topology.vms) {
      const claim = claims.get(vm);
      if (!claim) continue;
      const { addresses, unknown } = addressesOf(vm);
      const sp: AmtServicePoint = { vm, claim, addresses, addressUnknown: unknown, nics: vm.nics.map((n) => n.resource) };
      this.points.push(sp);
      this.byVm.set(vm, sp);
    }
  }

  /** The service point a VM is, if any. */
  public ofVm(vm: Vm | undefined): AmtServicePoint | undefined {
    return vm ? this.byVm.get(vm) : undefined;
  }

  /** Every known address of every service point, as sources. */
  public get sources(): SourceSet {
    return sourcesOf(this.points.flatMap((p) => p.addresses));
  }

  /**
   * The VM whose addresses are the only sources of every explicit allow written for the AMT ports
   * (their port range holds one of TCP 16992-16995 and spans at most 100 ports), in either
   * direction. AzureLoadBalancer is Azure's platform, not a source, and is ignored. Undefined when
   * there is no such allow, when two VMs (or anything else) are sources, or when an AMT allow
   * cannot be read (then {@link sourceDoubts} says which).
   */
  private onlyAmtSource(rules: readonly NsgRule[], vms: readonly Vm[]): { vm: Vm; evidence: string } | undefined {
    const amt = SERVICE_PORTS.AMT;
    const owner = new Map<string, Vm>();
    for (const vm of vms) for (const a of addressesOf(vm).addresses) owner.set(hostKey(a), vm);
    let found: Vm | undefined;
    const named: string[] = [];
    let other = false;
    for (const r of rules) {
      if (r.isDefault) continue;
      const access = r.access;
      const protocol = r.protocol;
      const ports = r.destinationPorts;
      if (access.known && access.value === "Deny") continue;
      if (protocol.known && protocol.value !== "Tcp" && protocol.value !== "*") continue;
      if (ports.known && !namesRange(ports.value, amt.from, amt.to)) continue;
      const unknown = [access, protocol, ports, r.sources].find((f) => !f.known);
      if (unknown && !unknown.known) {
        this.sourceDoubts.push({ rule: r, reason: `${unknown.field}: ${unknown.reason}` });
        continue;
      }
      if (!r.sources.known) continue;
      const terms = r.sources.value.filter((t) => !(t.kind === "tag" && t.tag === "azureloadbalancer"));
      for (const t of terms) {
        const vm = t.kind === "cidr" && t.cidr.start === t.cidr.end ? owner.get(hostKey(t.cidr)) : undefined;
        if (!vm || (found && vm !== found)) other = true;
        else found = vm;
      }
      if (terms.length > 0) named.push(`rule "${r.name}" of NSG ${r.nsg?.name ?? r.resource.address}`);
    }
    if (other || !found || this.sourceDoubts.length > 0) return undefined;
    const list = named.slice(0, 3).join(", ") + (named.length > 3 ? `, and ${named.length - 3} more` : "");
    return { vm: found, evidence: `the only source of the allows written for Intel AMT (TCP ${amt.from}-${amt.to}): ${list}` };
  }
}

function hostKey(c: Cidr): string {
  return `${c.family}:${String(c.start)}`;
}

function addressesOf(vm: Vm): { addresses: Cidr[]; unknown?: string } {
  const addresses: Cidr[] = [];
  let unknown: string | undefined = vm.nicsUnknown;
  const add = (nic: Nic) => {
    for (const cfg of nic.ipConfigs) {
      const ip = cfg.privateIp;
      if (!ip.known) unknown ??= `${nic.resource.address} ${ip.field}: ${ip.reason}`;
      else if (ip.value === "dynamic") unknown ??= `${nic.resource.address} has a dynamic private address, assigned by Azure at apply`;
      else addresses.push(ip.value);
    }
  };
  vm.nics.forEach(add);
  return { addresses, unknown };
}

/** A source set of addresses. */
export function sourcesOf(cidrs: readonly Cidr[]): SourceSet {
  const v4: [number, number][] = [];
  const v6: [bigint, bigint][] = [];
  for (const c of cidrs) (c.family === 4 ? v4.push([c.start, c.end]) : v6.push([c.start, c.end]));
  return new SourceSet(Intervals.of(V4, v4), Intervals.of(V6, v6), TokenSet.NONE);
}
