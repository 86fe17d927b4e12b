import { DeploymentRole } from "../../contract/zone-tags";
import { Topology, Vm } from "../../engine/access/topology";
import { TerraformModel } from "../../engine/model";
import { RoleClaim } from "../../engine/roles";
import { RuleContext, ruleRuns } from "../../engine/rule";

/**
 * The deployment servers of R-SEC-8: distribution points, KMS hosts, domain controllers, state
 * migration points and out-of-band service points. DNS servers without another role, reference
 * computers (a workstation being captured) and storage roles are not servers that run the
 * deployment services.
 */
export const DEPLOYMENT_SERVER_ROLES: readonly DeploymentRole[] = [
  DeploymentRole.PXE_DISTRIBUTION_POINT,
  DeploymentRole.KMS_HOST,
  DeploymentRole.DOMAIN_CONTROLLER,
  DeploymentRole.STATE_MIGRATION_POINT,
  DeploymentRole.OOB_SERVICE_POINT,
];

/** R-SEC-10: the hosts that expose MS-RPC to other zones. */
export const RPC_HOST_ROLES: readonly DeploymentRole[] = [DeploymentRole.KMS_HOST, DeploymentRole.DOMAIN_CONTROLLER];

/** A VM in scope of a rule, with the claims that put it there. */
export interface ServerInScope {
  readonly vm: Vm;
  readonly claims: readonly RoleClaim[];
}

/**
 * True when SDZ-SEC-001 runs in this check: it then says once, for a VM whose role tag cannot be read, which
 * role-scoped checks did not run on it (roles-not-told.ts), and the other rules leave that VM to it.
 */
export function rolesToldBySec001(ctx: RuleContext): boolean {
  return ruleRuns(ctx, "SDZ-SEC-001");
}

/**
 * The VMs holding one of `roles` (declared or inferred; `more` adds claims from models other than
 * the role model). A VM whose role tag cannot be read and that no evidence places in scope is not
 * among them: SDZ-SEC-001 reports it once for every pack (roles-not-told.ts), or, when that rule does
 * not run, this rule does, saying `notice` was not checked.
 */
export function serversWith(ctx: RuleContext, roles: readonly DeploymentRole[], more?: (vm: Vm) => readonly RoleClaim[], notice?: string): ServerInScope[] {
  const out: ServerInScope[] = [];
  const own = notice !== undefined && !rolesToldBySec001(ctx);
  for (const vm of Topology.of(ctx.model).vms) {
    const r = ctx.roles.ofVm(vm);
    const claims = r.claims.filter((c) => roles.includes(c.role));
    // Evidence the role model does not hold (the state migration and out-of-band models): one claim per role.
    for (const c of more?.(vm) ?? []) if (roles.includes(c.role) && !claims.some((k) => k.role === c.role)) claims.push(c);
    if (claims.length > 0) out.push({ vm, claims });
    else if (own && r.unknown) ctx.unverified(vm.resource, `whether ${vm.resource.address} is a ${roles.join(", ")} could not be told (${r.unknown}), so ${notice} was not checked`);
    else if (own && r.mayHold?.some((m) => roles.includes(m.role))) {
      const may = r.mayHold.filter((m) => roles.includes(m.role));
      ctx.unverified(vm.resource, `whether ${vm.resource.address} is a ${may.map((m) => m.role).join(", ")} could not be told (${may.map((m) => m.why).join("; ")}), so ${notice} was not checked`);
    }
  }
  return out;
}

/**
 * The roles and why the checks believe them, once per piece of evidence:
 * `kms-host, domain-controller: declared (sdz-role=kms-host,domain-controller on ...)`,
 * `kms-host: inferred (reachable on TCP 1688 through rule "allow-kms")`.
 */
export function describeClaims(claims: readonly RoleClaim[]): string {
  const byEvidence = new Map<string, string[]>();
  for (const c of claims) {
    const key = `${c.source === "declared" ? "declared" : "inferred"} (${c.evidence})`;
    byEvidence.set(key, [...(byEvidence.get(key) ?? []), c.role]);
  }
  return [...byEvidence].map(([why, roles]) => `${roles.join(", ")}: ${why}`).join("; ");
}

/** The operating system family of a VM, or why it is not known. */
export type OsFamily = { readonly os: "windows" | "linux" } | { readonly os: undefined; readonly reason: string };

/** Windows or Linux: from the resource type, or for the legacy `azurerm_virtual_machine` from its OS profile or OS disk. */
export function osOf(model: TerraformModel, vm: Vm): OsFamily {
  const r = vm.resource;
  if (r.type === "azurerm_windows_virtual_machine") return { os: "windows" };
  if (r.type === "azurerm_linux_virtual_machine") return { os: "linux" };
  if (model.blocks(r, "os_profile_windows_config").length > 0) return { os: "windows" };
  if (model.blocks(r, "os_profile_linux_config").length > 0) return { os: "linux" };
  const disk = model.blocks(r, "storage_os_disk")[0];
  if (disk && disk.os_type !== undefined) {
    const t = model.resolveString(disk.os_type);
    if (!t.known) return { os: undefined, reason: `storage_os_disk.os_type: ${t.reason}` };
    if (/^windows$/i.test(t.value)) return { os: "windows" };
    if (/^linux$/i.test(t.value)) return { os: "linux" };
  }
  return { os: undefined, reason: "neither os_profile_windows_config, os_profile_linux_config nor storage_os_disk.os_type says which OS it runs" };
}

/** A string field that must be one of `allowed` (case-insensitive): the value as Azure spells it, `unset`, or why it is unknown. */
export function choice<T extends string>(model: TerraformModel, raw: unknown, allowed: readonly T[]): { value?: T; unset?: true; unknown?: string } {
  if (raw === undefined || raw === null || raw === "") return { unset: true };
  const r = model.resolveString(raw);
  if (!r.known) return { unknown: r.reason };
  const hit = allowed.find((a) => a.toLowerCase() === r.value.trim().toLowerCase());
  return hit ? { value: hit } : { unknown: `${JSON.stringify(r.value)} is not one of ${allowed.join(", ")}` };
}

/** A boolean with a default: the value, or why it is unknown. */
export function flag(model: TerraformModel, raw: unknown, dflt: boolean): { value?: boolean; unknown?: string } {
  if (raw === "") return { value: dflt };
  const r = model.resolveBoolean(raw);
  if (!r.known) return { unknown: r.reason };
  return { value: r.value ?? dflt };
}

/** Nested blocks of a value, always as a list (a block may be written as an object or a list of objects). */
export function blocksOf(v: unknown): Record<string, any>[] {
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === "object" && !Array.isArray(x));
  return v && typeof v === "object" ? [v as Record<string, any>] : [];
}
