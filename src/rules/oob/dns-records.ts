/**
 * DNS records of the AMT provisioning name (R-OOB-7): public and private zone A and CNAME records
 * whose name is the provisioning server name a service point declares (`sdz-oob-provisioning-server`)
 * or the firmware's default `ProvisionServer`, what they resolve to, and the management locks that
 * protect them.
 */
import { provisioningOf, ServicePointProvisioning } from "./common";
import { OobTags } from "../../contract/oob-tags";
import { parseCidr } from "../../engine/access/addresses";
import { AmtServicePoint } from "../../engine/amt-service-points";
import { TerraformModel, TfResource } from "../../engine/model";
import { RuleContext } from "../../engine/rule";

export const RECORD_TYPES = ["azurerm_private_dns_a_record", "azurerm_private_dns_cname_record", "azurerm_dns_a_record", "azurerm_dns_cname_record"];
const ZONE_TYPES = ["azurerm_private_dns_zone", "azurerm_dns_zone"];

/** A record of the provisioning name, and the service points whose name it is. */
export interface ProvisioningRecord {
  readonly resource: TfResource;
  readonly kind: "A" | "CNAME";
  readonly fqdn: string;
  /** The zone resource, when this configuration declares it. */
  readonly zone?: TfResource;
  /** The service points that use this name with provisioning enabled. */
  readonly users: readonly ServicePointProvisioning[];
  /** Service points that declare this name with provisioning off (or the firmware default no one uses). */
  readonly idle: readonly ServicePointProvisioning[];
  /** Service points whose provisioning mode is not known. */
  readonly undecided: readonly ServicePointProvisioning[];
}

/** Records whose name or zone is not known: they may be a provisioning name. */
export interface UncertainRecord {
  readonly resource: TfResource;
  readonly reason: string;
}

export interface RecordIndex {
  readonly records: readonly ProvisioningRecord[];
  readonly uncertain: readonly UncertainRecord[];
  /** Provisioning names that could not be read (the record a service point would need cannot be found). */
  readonly unknownNames: readonly string[];
}

/** The provisioning-name records of a configuration. Memoised. */
export function provisioningRecords(ctx: RuleContext): RecordIndex {
  return ctx.model.memo("oob-provisioning-records", () => {
    const m = ctx.model;
    const provs = provisioningOf(ctx);
    const defaultName = OobTags.DEFAULT_PROVISIONING_SERVER.toLowerCase();
    const names = new Set<string>([defaultName, ...provs.map((p) => p.provisioningName).filter((n): n is string => !!n)]);
    const records: ProvisioningRecord[] = [];
    const uncertain: UncertainRecord[] = [];
    for (const r of m.ofType(...RECORD_TYPES)) {
      const name = m.resolveString(r.config.name);
      const zoneName = m.resolveString(r.config.zone_name);
      const zone = zoneOf(ctx, r);
      if (!name.known) {
        uncertain.push({ resource: r, reason: `name: ${name.reason}` });
        continue;
      }
      const rel = name.value.toLowerCase().replace(/\.$/, "");
      const fqdnKnown = zoneName.known ? (rel === "@" ? zoneName.value : `${rel}.${zoneName.value}`).toLowerCase().replace(/\.$/, "") : undefined;
      const matched: string[] = [];
      let maybe = false;
      for (const n of names) {
        if (!n.includes(".")) {
          if ((fqdnKnown ?? rel).split(".")[0] === n) matched.push(n);
        } else if (fqdnKnown !== undefined) {
          if (fqdnKnown === n) matched.push(n);
        } else if (rel.split(".")[0] === n.split(".")[0]) maybe = true;
      }
      if (matched.length === 0) {
        if (maybe) uncertain.push({ resource: r, reason: `zone_name: ${(zoneName as { reason: string }).reason}` });
        continue;
      }
      const declaring = provs.filter((p) => p.provisioningName !== undefined && matched.includes(p.provisioningName));
      records.push({
        resource: r, kind: r.type.endsWith("cname_record") ? "CNAME" : "A", fqdn: fqdnKnown ?? rel, zone,
        users: declaring.filter((p) => p.mode.state === "enabled"),
        idle: declaring.filter((p) => p.mode.state === "disabled"),
        undecided: declaring.filter((p) => p.mode.state === "unknown"),
      });
    }
    const unknownNames = provs.filter((p) => p.provisioningNameUnknown).map((p) => p.provisioningNameUnknown!);
    return { records, uncertain, unknownNames };
  });
}

function zoneOf(ctx: RuleContext, record: TfResource): TfResource | undefined {
  const m = ctx.model;
  const ref = m.referencedResource(record.config.zone_name);
  if (ref && ZONE_TYPES.includes(ref.type)) return ref;
  const name = m.resolveString(record.config.zone_name);
  if (!name.known) return undefined;
  const wanted = record.type.startsWith("azurerm_private_dns") ? "azurerm_private_dns_zone" : "azurerm_dns_zone";
  return m.ofType(wanted).find((z) => {
    const n = m.resolveString(z.config.name);
    return n.known && n.value.toLowerCase() === name.value.toLowerCase();
  });
}

/** Where one value of a record points: a service point, something else (named), or not known. */
export type Target = { readonly kind: "sp" } | { readonly kind: "other"; readonly text: string } | { readonly kind: "unknown"; readonly text: string };

/** What a record resolves to, value by value, against the service points that use its name. */
export function targetsOf(ctx: RuleContext, record: ProvisioningRecord, sps: readonly AmtServicePoint[], depth = 0): Target[] {
  const m = ctx.model;
  const cfg = record.resource.config;
  const out: Target[] = [];
  if (cfg.target_resource_id !== undefined && cfg.target_resource_id !== null && cfg.target_resource_id !== "") {
    const target = m.referencedResource(cfg.target_resource_id);
    const spPublic = target && sps.some((sp) => sp.vm.nics.some((n) => n.ipConfigs.some((i) => i.publicIp.attached && i.publicIp.resource === target)));
    if (spPublic) out.push({ kind: "sp" });
    else out.push(target ? { kind: "other", text: `${target.address} (target_resource_id)` } : { kind: "unknown", text: "target_resource_id is not a resource of this configuration" });
    return out;
  }
  if (record.kind === "A") {
    const raw = cfg.records;
    const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    if (!Array.isArray(raw) && raw !== undefined) {
      const r = m.resolveStringList(raw);
      if (!r.known) return [{ kind: "unknown", text: `records: ${r.reason}` }];
      return r.value.map((v) => addressTarget(v, sps));
    }
    for (const item of list) {
      const path = m.referencedPath(item);
      if (path && path.target.type === "azurerm_network_interface") {
        const own = sps.some((sp) => sp.nics.includes(path.target));
        if (own) {
          out.push({ kind: "sp" });
          continue;
        }
      }
      const v = m.resolveString(item);
      out.push(v.known ? addressTarget(v.value, sps) : { kind: "unknown", text: `records: ${v.reason}` });
    }
    return out;
  }
  const target = m.resolveString(cfg.record);
  if (!target.known) return [{ kind: "unknown", text: `record: ${target.reason}` }];
  const fqdn = target.value.toLowerCase().replace(/\.$/, "");
  // A CNAME to another record of this configuration resolves to what that record holds.
  if (depth < 4) {
    const next = allRecords(ctx).find((r) => r.fqdn === fqdn);
    if (next) return targetsOf(ctx, { ...record, resource: next.resource, kind: next.kind, fqdn }, sps, depth + 1);
  }
  const label = fqdn.split(".")[0];
  const names = sps.flatMap((sp) => ["computer_name", "name"].map((f) => m.resolveString(sp.vm.resource.config[f])).filter((n) => n.known).map((n) => (n as { value: string }).value.toLowerCase()));
  return [names.includes(label) ? { kind: "sp" } : { kind: "other", text: fqdn }];
}

function addressTarget(text: string, sps: readonly AmtServicePoint[]): Target {
  const c = parseCidr(text.trim());
  if (!c) return { kind: "other", text };
  if (sps.some((sp) => sp.addresses.some((a) => a.family === c.family && a.start === c.start))) return { kind: "sp" };
  if (sps.some((sp) => sp.addressUnknown)) return { kind: "unknown", text: `${text} (the service point's address is not known before apply)` };
  return { kind: "other", text };
}

/** Every A/CNAME record with a known FQDN (for following CNAMEs). */
function allRecords(ctx: RuleContext): { resource: TfResource; kind: "A" | "CNAME"; fqdn: string }[] {
  return ctx.model.memo("oob-all-dns-records", () => ctx.model.ofType(...RECORD_TYPES).flatMap((r) => {
    const n = ctx.model.resolveString(r.config.name);
    const z = ctx.model.resolveString(r.config.zone_name);
    if (!n.known || !z.known) return [];
    const fqdn = (n.value === "@" ? z.value : `${n.value}.${z.value}`).toLowerCase().replace(/\.$/, "");
    return [{ resource: r, kind: r.type.endsWith("cname_record") ? "CNAME" as const : "A" as const, fqdn }];
  }));
}

/** The strongest management lock over a record (on it, its zone, its resource group or the subscription). */
export type Protection = { readonly level: "ReadOnly" | "CanNotDelete"; readonly lock: TfResource } | { readonly level: "none" } | { readonly level: "unknown"; readonly reason: string };

export function protectionOf(ctx: RuleContext, record: ProvisioningRecord): Protection {
  const m = ctx.model;
  let best: Protection = { level: "none" };
  let doubt: string | undefined;
  for (const lock of m.ofType("azurerm_management_lock")) {
    const covers = lockCovers(ctx, lock, record);
    if (covers === false) continue;
    const level = m.resolveString(lock.config.lock_level);
    if (covers !== true || !level.known) {
      doubt ??= covers !== true ? covers : `${lock.address} lock_level: ${(level as { reason: string }).reason}`;
      continue;
    }
    if (level.value === "ReadOnly") return { level: "ReadOnly", lock };
    if (level.value === "CanNotDelete" && best.level === "none") best = { level: "CanNotDelete", lock };
  }
  if (doubt) return { level: "unknown", reason: doubt };
  return best;
}

/**
 * Does a lock's scope hold the record (the record, its zone, its resource group or the
 * subscription: "When you apply a lock at a parent scope, all child resources inherit the same
 * lock", learn.microsoft.com/rest/api/resources/management-locks)? A string says why it is not
 * known: a name it depends on is not known before apply.
 */
function lockCovers(ctx: RuleContext, lock: TfResource, record: ProvisioningRecord): boolean | string {
  const m = ctx.model;
  const cfg = record.resource.config;
  const ref = m.referencedResource(lock.config.scope);
  if (ref) {
    if (ref === record.resource || (record.zone && ref === record.zone)) return true;
    if (ref.type === "azurerm_resource_group") {
      // By reference first: a group resource of this configuration is the record's group or another one, whatever its name.
      const group = m.referencedResource(cfg.resource_group_name);
      if (group?.type === "azurerm_resource_group") return group === ref;
      return sameName(m, ref.config.name, cfg.resource_group_name) ?? `whether ${lock.address} on ${ref.address} holds it: the names of the two resource groups are not both known before apply`;
    }
    if (ZONE_TYPES.includes(ref.type) && !record.zone) {
      return sameName(m, ref.config.name, cfg.zone_name) ?? `whether ${lock.address} on ${ref.address} holds it: the names of the two zones are not both known before apply`;
    }
    return false;
  }
  const scope = m.resolveString(lock.config.scope);
  if (!scope.known) return `scope of ${lock.address}: ${scope.reason}`;
  const s = scope.value.toLowerCase().replace(/\/$/, "");
  if (/^\/subscriptions\/[^/]+$/.test(s)) return true;
  const g = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)(\/providers\/microsoft\.network\/(privatednszones|dnszones)\/([^/]+)(\/.*)?)?$/.exec(s);
  if (!g) return false;
  const unknownField = (field: string, reason: string) => `whether ${lock.address} (scope ${scope.value}) holds it: ${field} of ${record.resource.address}: ${reason}`;
  const rg = m.resolveString(cfg.resource_group_name);
  if (!rg.known) return unknownField("resource_group_name", rg.reason);
  if (g[1] !== rg.value.toLowerCase()) return false;
  if (!g[2]) return true;
  const zone = m.resolveString(cfg.zone_name);
  if (!zone.known) return unknownField("zone_name", zone.reason);
  if (g[4] !== zone.value.toLowerCase().replace(/\.$/, "")) return false;
  if (!g[5]) return true;
  const recName = m.resolveString(cfg.name);
  if (!recName.known) return unknownField("name", recName.reason);
  return g[5].split("/").pop() === recName.value.toLowerCase();
}

/** Whether two names are the same (Azure names here are case-insensitive); undefined when either is not known. */
function sameName(m: TerraformModel, a: unknown, b: unknown): boolean | undefined {
  const x = m.resolveString(a);
  const y = m.resolveString(b);
  if (!x.known || !y.known) return undefined;
  return x.value.toLowerCase() === y.value.toLowerCase();
}
