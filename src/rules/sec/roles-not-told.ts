/**
 * A VM whose role tag cannot be read (a variable, a tags block from a module output, a value that is
 * no role list) may hold a role that nothing else in the configuration shows. Every rule scoped to
 * that role then skips it, so it must not pass as checked (principle 2), and it is said once per VM,
 * not once per pack (principle 3): SDZ-SEC-001 reports it, naming every role left open and the checks
 * of each that did not run; the role-scoped rules of the other packs leave the VM to that finding.
 */
import { DEPLOYMENT_SERVER_ROLES, RPC_HOST_ROLES } from "./common";
import { DeploymentRole } from "../../contract/zone-tags";
import { Vm } from "../../engine/access/topology";
import { AmtServicePoints } from "../../engine/amt-service-points";
import { RoleClaim } from "../../engine/roles";
import { RuleContext } from "../../engine/rule";
import { StateMigrationPoints } from "../../engine/state-migration-points";
import { responderCandidates } from "../pxe/distribution-points";
import { referenceComputers } from "../ref/reference-computers";

/**
 * The checks that run only on a VM holding the role. The KMS host and domain controller entries leave
 * out SDZ-KMS-001: for a VM holding one of the two, that rule says itself that the other cannot be told
 * (it is not suppressible), and this notice then leaves that role out.
 */
const CHECKS_OF_ROLE: readonly { readonly role: DeploymentRole; readonly checks: string }[] = [
  { role: DeploymentRole.PXE_DISTRIBUTION_POINT, checks: "the distribution point rules of the PXE pack (public IP, zone trust, interfaces, PXE settings, a second responder in its PXE segment)" },
  { role: DeploymentRole.KMS_HOST, checks: "the KMS host rules (SDZ-KMS-001, 004, 005, 006, 008)" },
  { role: DeploymentRole.DOMAIN_CONTROLLER, checks: "SDZ-KMS-001 and 006 for a domain controller" },
  { role: DeploymentRole.STATE_MIGRATION_POINT, checks: "the state migration point rules (SDZ-MIG-009, 011, 012, 013)" },
  { role: DeploymentRole.OOB_SERVICE_POINT, checks: "the out-of-band service point rules of the OOB pack" },
  { role: DeploymentRole.REFERENCE_COMPUTER, checks: "the reference computer rules (SDZ-REF-001 to 005)" },
];

/** A VM whose role tag cannot be read (or whose roles the network may show but cannot tell), and the roles no evidence shows it holds. */
export interface RolesNotTold {
  readonly vm: Vm;
  /** Why the tag cannot be read, naming the resource that carries it. */
  readonly reason: string;
  readonly roles: readonly DeploymentRole[];
}

/**
 * The claims of the deployment-server roles (R-SEC-8) a VM holds: the role model's, plus the state
 * migration points a Configuration Manager script configures and the VM that is the only source of the
 * AMT allows, which their own models infer (engine/state-migration-points, engine/amt-service-points).
 */
export function serverClaimsOf(ctx: RuleContext, vm: Vm): RoleClaim[] {
  const claims = ctx.roles.ofVm(vm).claims.filter((c) => DEPLOYMENT_SERVER_ROLES.includes(c.role));
  const more = [StateMigrationPoints.of(ctx.model).pointOf(vm)?.claim, AmtServicePoints.of(ctx.model).ofVm(vm)?.claim];
  for (const c of more) if (c && !claims.some((k) => k.role === c.role)) claims.push(c);
  return claims;
}

/**
 * Every VM whose role tag cannot be read and that some role-scoped check skipped, with the roles left
 * open; and every VM a rule written for a role's service may reach while a value that decides it is not
 * known (VmRoles.mayHold), with those roles. Linear in the VMs: the PXE and reference computer models are asked only when such a VM exists,
 * and they are memoised for their own rules anyway.
 */
export function rolesNotTold(ctx: RuleContext): RolesNotTold[] {
  return ctx.model.memo("sec:roles-not-told", () => {
    const unread = ctx.access.topology.vms.flatMap((vm): { vm: Vm; reason: string; only?: readonly DeploymentRole[] }[] => {
      const r = ctx.roles.ofVm(vm);
      if (r.unknown) return [{ vm, reason: r.unknown, only: undefined }];
      // Roles the network may show (a rule for the service whose reach is not known): those roles only.
      if (r.mayHold) return [{ vm, reason: r.mayHold.map((m) => m.why).join("; "), only: r.mayHold.map((m) => m.role) }];
      return [];
    });
    if (unread.length === 0) return [];
    const responders = new Set(responderCandidates(ctx).map((d) => d.vm));
    const references = new Set(referenceComputers(ctx).map((r) => r.vm));
    const out: RolesNotTold[] = [];
    for (const { vm, reason, only } of unread) {
      const held = new Set(serverClaimsOf(ctx, vm).map((c) => c.role));
      // A PXE or DHCP responder is the PXE pack's to judge; whether it also serves PXE is its question (SDZ-PXE-013).
      if (responders.has(vm)) held.add(DeploymentRole.PXE_DISTRIBUTION_POINT);
      if (references.has(vm)) held.add(DeploymentRole.REFERENCE_COMPUTER);
      // SDZ-KMS-001 asks whether a KMS host is also a domain controller (and the reverse) itself, for an unread tag.
      if (!only && (held.has(DeploymentRole.KMS_HOST) || held.has(DeploymentRole.DOMAIN_CONTROLLER))) {
        held.add(DeploymentRole.KMS_HOST);
        held.add(DeploymentRole.DOMAIN_CONTROLLER);
      }
      const roles = CHECKS_OF_ROLE.map((c) => c.role).filter((r) => !held.has(r) && (!only || only.includes(r)));
      if (roles.length > 0) out.push({ vm, reason, roles });
    }
    return out;
  });
}

/** The notice's text: the roles left open and, for each, the checks that did not run. */
export function describeRolesNotTold(n: RolesNotTold): string {
  const servers = n.roles.filter((r) => DEPLOYMENT_SERVER_ROLES.includes(r));
  const checks = [
    ...(servers.length > 0 ? ["security event collection (SDZ-SEC-001)"] : []),
    ...(n.roles.some((r) => RPC_HOST_ROLES.includes(r)) ? ["automatic patching (SDZ-SEC-003)"] : []),
    ...CHECKS_OF_ROLE.filter((c) => n.roles.includes(c.role)).map((c) => c.checks),
  ];
  return `whether ${n.vm.resource.address} is ${n.roles.length > 1 ? "any of " : ""}${n.roles.join(", ")} could not be told (${n.reason}), `
    + `and nothing else in the configuration shows it, so these checks did not run on it: ${checks.join("; ")}`;
}
