import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { TerraformStack, Token } from "cdktf";
import { IConstruct } from "constructs";
import { ConstructErrorCode, invalidProp } from "./errors";

/**
 * What must be unique, and where: Azure refuses the second resource at apply time (or, for
 * computer names, the domain does), so the constructs refuse it at construction. @internal
 */
export enum UniqueKind {
  /** VM (and computer) names, per stack; compared without case, as Windows does. */
  SERVER_NAME = "server name",
  /** Storage account names: globally unique in Azure, so per app. */
  STORAGE_ACCOUNT_NAME = "storage account name",
  /** Key Vault names: globally unique in Azure, so per app. */
  KEY_VAULT_NAME = "Key Vault name",
  /** Site-to-site tunnel names (local network gateway and connection names), per stack. */
  TUNNEL_NAME = "tunnel name",
  /** Static private IP addresses, per network (a VNet cannot give one address to two NICs or endpoints). */
  STATIC_IP = "static private IP address",
  /** Names of the resource groups the constructs create, per stack (a stack deploys to one subscription). */
  RESOURCE_GROUP_NAME = "resource group name",
}

const APP_WIDE = new Set([UniqueKind.STORAGE_ACCOUNT_NAME, UniqueKind.KEY_VAULT_NAME]);
const CASE_INSENSITIVE = new Set([UniqueKind.SERVER_NAME, UniqueKind.STORAGE_ACCOUNT_NAME, UniqueKind.KEY_VAULT_NAME, UniqueKind.TUNNEL_NAME,
  UniqueKind.RESOURCE_GROUP_NAME]);

const claims = new WeakMap<IConstruct, Map<string, string>>();

/** What each construct holds, as the steps that give it back (see {@link releaseClaims}). */
const held = new WeakMap<IConstruct, (() => void)[]>();

/** Records `key` in `scope` for `owner`; the path of another construct that already holds it, if any. */
function claim(scope: IConstruct, key: string, owner: IConstruct): string | undefined {
  let map = claims.get(scope);
  if (!map) claims.set(scope, (map = new Map()));
  const holder = map.get(key);
  if (holder !== undefined && holder !== owner.node.path) return holder;
  if (holder === undefined) {
    const path = owner.node.path;
    map.set(key, path);
    onRelease(owner, () => {
      if (map!.get(key) === path) map!.delete(key);
    });
  }
  return undefined;
}

/**
 * Registers how to give back something `owner` holds outside this module (a zone's prefix in its
 * network), run by {@link releaseClaims}. @internal
 */
export function onRelease(owner: IConstruct, undo: () => void): void {
  let list = held.get(owner);
  if (!list) held.set(owner, (list = []));
  list.push(undo);
}

/** Gives back everything `owner` claimed, latest first. @internal */
export function releaseClaims(owner: IConstruct): void {
  const list = held.get(owner);
  held.delete(owner);
  if (list) for (let i = list.length - 1; i >= 0; i--) list[i]();
}

/**
 * Undoes a construct refused while it was being built, so a caller that catches the error can
 * retry (under the same id or another): it and its children give back every claim (zone prefixes
 * and names, names per resource group, stack, app or Network Watcher), and it leaves the tree, so
 * nothing it built before the refusal is synthesized. Call it from the constructor's `catch`, then
 * rethrow. @internal
 */
export function abandonConstruct(owner: IConstruct): void {
  for (const c of owner.node.findAll()) releaseClaims(c);
  owner.node.scope?.node.tryRemoveChild(owner.node.id);
}

/**
 * Runs `fn`, which claims for `owner`; when it throws, gives back only the claims `fn` made (those
 * `owner` held before stay) and rethrows: for a method that claims several names and must claim
 * all or none. @internal
 */
export function claimAtomically<T>(owner: IConstruct, fn: () => T): T {
  const before = held.get(owner)?.length ?? 0;
  try {
    return fn();
  } catch (e) {
    const added = held.get(owner)?.splice(before) ?? [];
    for (let i = added.length - 1; i >= 0; i--) added[i]();
    throw e;
  }
}

/** Runs `fn` (a constructor's validation and claims); when it throws, abandons `owner` and rethrows. @internal */
export function buildOrAbandon<T>(owner: IConstruct, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    abandonConstruct(owner);
    throw e;
  }
}

/**
 * Claims `value` for the construct at `owner`; fails, naming the other owner, when another
 * construct of the same scope holds it. `space` is the scope for per-network kinds (the network
 * construct); otherwise the stack, or the app for globally unique names.
 * @internal
 */
export function claimUnique(owner: IConstruct, prop: string, kind: UniqueKind, value: string, space?: IConstruct): void {
  const scope = space ?? (APP_WIDE.has(kind) ? owner.node.root : TerraformStack.of(owner));
  const holder = claim(scope, `${kind}|${CASE_INSENSITIVE.has(kind) ? value.toLowerCase() : value}`, owner);
  if (holder !== undefined) {
    const where = space ? "this network" : APP_WIDE.has(kind) ? "this app (the name is global in Azure)" : "this stack";
    throw invalidProp(prop, value, `a ${kind} not already used in ${where}: ${holder} uses it`, ConstructErrorCode.DUPLICATE_VALUE);
  }
}

/**
 * How the claims know a resource group: by its name when that is a literal (compared without case,
 * as Azure does), otherwise by its construct (a group given by reference). @internal
 */
export function resourceGroupKey(group: ResourceGroup): { key: string; label: string } {
  const literal = group.nameInput;
  return literal !== undefined && !Token.isUnresolved(literal)
    ? { key: literal.toLowerCase(), label: literal }
    : { key: `construct:${group.node.path}`, label: group.node.path };
}

/**
 * Claims the Azure name a construct derives for a resource it creates in a resource group: Azure
 * names a resource uniquely per resource group and type (a second network security group, route
 * table, virtual network, public IP... of the same name in one group is refused at apply, or
 * silently updates the first), so two networks sharing a group must not derive the same name.
 * Claims are per stack. A group is known by its name when that is a literal, otherwise by its
 * construct (a group given by reference). `prop`/`value` are what the user wrote that the name
 * comes from; `hint` (when given) ends the error, saying what else the user may do. @internal
 */
export function claimNameInGroup(
  owner: IConstruct, prop: string, value: unknown, group: ResourceGroup, resourceType: string, name: string, hint?: string,
): void {
  const { key: groupKey, label: groupLabel } = resourceGroupKey(group);
  const holder = claim(TerraformStack.of(owner), `in-group|${groupKey}|${resourceType}|${name.toLowerCase()}`, owner);
  if (holder !== undefined) {
    throw invalidProp(prop, value, `a value whose ${resourceType} name "${name}" is not already used in resource group ${groupLabel}: ${holder} creates it there `
      + `(Azure names resources of a type uniquely per resource group)${hint ? `; ${hint}` : ""}`, ConstructErrorCode.DUPLICATE_VALUE);
  }
}

/**
 * Claims the name of a flow log `owner` creates. A flow log is a child of its Network Watcher
 * (`.../networkWatchers/<watcher>/flowLogs/<name>`; azurerm_network_watcher_flow_log: `name`,
 * `network_watcher_name`, and `resource_group_name`, the group the watcher was deployed in,
 * registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/network_watcher_flow_log),
 * and Azure creates one watcher per region, usually `NetworkWatcher_<region>` in the shared
 * `NetworkWatcherRG`: two networks (or zones of two networks) of one region deriving the same flow
 * log name collide at apply, whatever their own resource groups. Claims are per stack (one
 * subscription, as for resource group names); names are compared without case, as Azure does.
 * `prop`/`value` are what the user wrote that the name comes from. @internal
 */
export function claimFlowLogName(owner: IConstruct, prop: string, value: unknown, watcherResourceGroup: string, watcherName: string, name: string): void {
  const key = `flow-log|${watcherResourceGroup.toLowerCase()}|${watcherName.toLowerCase()}|${name.toLowerCase()}`;
  const holder = claim(TerraformStack.of(owner), key, owner);
  if (holder !== undefined) {
    throw invalidProp(prop, value, `a value whose flow log name "${name}" is not already used in Network Watcher ${watcherName} (resource group ${watcherResourceGroup}): `
      + `${holder} creates it there (flow logs are named uniquely per Network Watcher, whatever the network's resource group)`, ConstructErrorCode.DUPLICATE_VALUE);
  }
}
