/**
 * State migration points (the Configuration Manager site system that receives and stores USMT user
 * state), with evidence. A VM is one when the `sdz-role` tag on it or its NIC says so, or when
 * a Configuration Manager script of this configuration installs or configures the role on it:
 * `Add-CMStateMigrationPoint` or `Set-CMStateMigrationPoint -SiteSystemServerName <the VM's name>`,
 * run by a run command or script extension. Like the other Configuration Manager settings (settings.ts),
 * such a line is trusted only from a VM shown to be the site server (a CMSite drive rooted at its own SMS
 * Provider); from any other VM the point is still inferred, as roles are inferred from what a script
 * says (roles.ts), and its evidence says that the script's VM is not shown to be the site server. Those scripts also say how the point
 * deletes restored state (`-TimeDeleteAfter`/`-TimeUnit`, `-DeleteImmediately`) and cap its storage
 * folders (`-MaximumClientNumber`), so rules can judge an untagged point by what will be applied.
 */
import { Reachability } from "./access/reachability";
import { Vm } from "./access/topology";
import { TerraformModel, TfResource } from "./model";
import { RoleClaim } from "./roles";
import { NOT_SHOWN_SITE_SERVER, Settings } from "./settings";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";

/** A readable script of this configuration that configures a state migration point. */
export interface ConfigMgrScript {
  /** The run command or extension that runs it. */
  readonly resource: TfResource;
  /** The VM it runs on. */
  readonly host: TfResource;
  /** True when that VM is shown to be a Configuration Manager site server ({@link Settings.isSiteServer}). */
  readonly onSiteServer: boolean;
  readonly text: string;
  /** The `Add-`/`Set-CMStateMigrationPoint` lines that name this point. */
  readonly lines: readonly string[];
  /** True when the script reads the state migration point back (`Get-CMStateMigrationPoint`). */
  readonly readsBack: boolean;
}

/** One state migration point and why the checks believe it is one. */
export interface StateMigrationPoint {
  readonly vm: Vm;
  readonly claim: RoleClaim;
  /** Scripts of this configuration that configure it (empty when it is only declared). */
  readonly configMgr: readonly ConfigMgrScript[];
}

/** How a state migration point deletes restored state, as a script sets it. */
export interface DeletionPolicy {
  /** True for `-DeleteImmediately`. */
  readonly immediately: boolean;
  /** Hours restored state is kept (0 when immediately). */
  readonly hours: number;
  /** The parameters that set it, as written (`-TimeDeleteAfter 7 -TimeUnit Days`). */
  readonly parameters: string;
  /** The cmdlet line. */
  readonly line: string;
}

const SMP_CMDLET = /\b(?:Add|Set)-CMStateMigrationPoint\b[^\n]*/gi;
const SERVER_PARAM = /-SiteSystemServerName\s+['"]?([A-Za-z0-9][A-Za-z0-9.-]*)/i;
const READ_BACK = /\bGet-CMStateMigrationPoint\b/i;

/** State migration points of a configuration. Build once with {@link StateMigrationPoints.of}. */
export class StateMigrationPoints {
  public static of(model: TerraformModel): StateMigrationPoints {
    return model.memo("state-migration-points", () => new StateMigrationPoints(model));
  }

  /** Every VM that is a state migration point, declared first. */
  public readonly points: StateMigrationPoint[] = [];
  /** VMs that are no known point but whose role tag cannot be read: they may be one. */
  public readonly undetermined: { readonly vm: Vm; readonly reason: string }[] = [];
  private readonly byVm = new Map<Vm, StateMigrationPoint>();

  private constructor(model: TerraformModel) {
    const topology = Reachability.of(model).access.topology;
    const settings = Settings.of(model);
    // Every readable Configuration Manager line that names a server, from scripts on any VM.
    const byServer = new Map<string, ConfigMgrScript[]>();
    for (const vm of topology.vms) {
      for (const s of settings.scriptsOn(vm.resource)) {
        const lines = [...s.text.matchAll(SMP_CMDLET)].map((m) => m[0]);
        const readsBack = READ_BACK.test(s.text);
        for (const line of lines) {
          const server = SERVER_PARAM.exec(line)?.[1]?.toLowerCase();
          if (!server) continue;
          const list = byServer.get(server) ?? [];
          const hit = list.find((x) => x.resource === s.resource);
          if (hit) (hit.lines as string[]).push(line);
          else list.push({ resource: s.resource, host: vm.resource, onSiteServer: settings.isSiteServer(vm.resource), text: s.text, lines: [line], readsBack });
          byServer.set(server, list);
        }
      }
    }
    for (const vm of topology.vms) {
      const names = computerNames(model, vm.resource);
      // Scripts on a site server first: they are the evidence.
      const scripts = [...byServer.entries()]
        .filter(([server]) => names.some((n) => server === n || server.startsWith(`${n}.`)))
        .flatMap(([, list]) => list)
        .sort((a, b) => Number(b.onSiteServer) - Number(a.onSiteServer));
      // The tag is read here rather than through Roles, whose network inference (which has no
      // signature for this role) would cost a reachability pass per VM for nothing.
      const { declared, unknown } = declaredRole(model, vm);
      const claim: RoleClaim | undefined = declared ?? (scripts.length > 0 ? {
        role: DeploymentRole.STATE_MIGRATION_POINT,
        source: "inferred",
        evidence: `${scripts[0].resource.address} configures it (${firstWords(scripts[0].lines[0])})`
          + (scripts[0].onSiteServer ? "" : `; it runs on ${scripts[0].host.address}, ${NOT_SHOWN_SITE_SERVER}`),
      } : undefined);
      if (claim) {
        const point = { vm, claim, configMgr: scripts };
        this.points.push(point);
        this.byVm.set(vm, point);
      } else if (unknown) this.undetermined.push({ vm, reason: unknown });
    }
    this.points.sort((a, b) => (a.claim.source === b.claim.source ? 0 : a.claim.source === "declared" ? -1 : 1));
  }

  /** The point a VM is, if it is one. */
  public pointOf(vm: Vm): StateMigrationPoint | undefined {
    return this.byVm.get(vm);
  }
}

/**
 * The deletion policy the point's Configuration Manager lines set, if any (the last line that sets
 * one wins, as it would when the script runs). Lines of scripts on a site server win over the others,
 * which are not shown to apply.
 */
export function deletionPolicyOf(point: StateMigrationPoint): DeletionPolicy | undefined {
  return policyIn(point.configMgr.filter((s) => s.onSiteServer)) ?? policyIn(point.configMgr.filter((s) => !s.onSiteServer));
}

function policyIn(scripts: readonly ConfigMgrScript[]): DeletionPolicy | undefined {
  let policy: DeletionPolicy | undefined;
  for (const s of scripts) {
    for (const line of s.lines) {
      if (/-DeleteImmediately\b(?!\s*:\s*\$false)/i.test(line)) policy = { immediately: true, hours: 0, parameters: "-DeleteImmediately", line };
      const after = /-TimeDeleteAfter\s+(\d{1,6})\b/i.exec(line);
      if (after) {
        const unit = /-TimeUnit\s+['"]?(Days|Hours)\b/i.exec(line);
        // Without -TimeUnit the unit is not stated; read it as hours (the smaller, stricter reading).
        const days = unit?.[1]?.toLowerCase() === "days";
        policy = { immediately: false, hours: Number(after[1]) * (days ? 24 : 1), parameters: `${after[0]}${unit ? ` ${unit[0]}` : ""}`, line };
      }
    }
  }
  return policy;
}

/** `Add-CMStateMigrationPoint -SiteSystemServerName smp01 ...` cut to a readable length. */
export function firstWords(line: string): string {
  const t = line.trim().replace(/\s+/g, " ");
  return t.length > 80 ? `${t.slice(0, 77)}...` : t;
}

/** `sdz-role=...state-migration-point...` on the VM or one of its NICs, or why the tag cannot be read. */
function declaredRole(model: TerraformModel, vm: Vm): { declared?: RoleClaim; unknown?: string } {
  let unknown: string | undefined;
  for (const carrier of [vm.resource, ...vm.nics.map((n) => n.resource)]) {
    const r = ZONE_TAG.roles.read(model.tagBlock(carrier));
    if (r.state === "known" && r.value.includes(DeploymentRole.STATE_MIGRATION_POINT)) {
      return { declared: { role: DeploymentRole.STATE_MIGRATION_POINT, source: "declared", evidence: `${ZONE_TAG.roles.key}=${r.value.join(",")} on ${carrier.address}` } };
    }
    if (r.state === "unknown" || r.state === "invalid") unknown ??= `${carrier.address}: ${r.reason}`;
  }
  return { unknown };
}

/** The names a VM answers to in Configuration Manager: its computer name and its resource name, lower-cased. */
function computerNames(model: TerraformModel, vm: TfResource): string[] {
  const out: string[] = [];
  for (const f of ["computer_name", "name"]) {
    const r = model.resolveString(vm.config[f]);
    if (r.known && r.value.trim()) out.push(r.value.trim().toLowerCase());
  }
  return out;
}
