import { TerraformStack } from "cdktf";
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
}

const APP_WIDE = new Set([UniqueKind.STORAGE_ACCOUNT_NAME, UniqueKind.KEY_VAULT_NAME]);
const CASE_INSENSITIVE = new Set([UniqueKind.SERVER_NAME, UniqueKind.STORAGE_ACCOUNT_NAME, UniqueKind.KEY_VAULT_NAME, UniqueKind.TUNNEL_NAME]);

const claims = new WeakMap<IConstruct, Map<string, string>>();

/**
 * Claims `value` for the construct at `owner`; fails, naming the other owner, when another
 * construct of the same scope holds it. `space` is the scope for per-network kinds (the network
 * construct); otherwise the stack, or the app for globally unique names.
 * @internal
 */
export function claimUnique(owner: IConstruct, prop: string, kind: UniqueKind, value: string, space?: IConstruct): void {
  const scope = space ?? (APP_WIDE.has(kind) ? owner.node.root : TerraformStack.of(owner));
  let map = claims.get(scope);
  if (!map) claims.set(scope, (map = new Map()));
  const key = `${kind}|${CASE_INSENSITIVE.has(kind) ? value.toLowerCase() : value}`;
  const holder = map.get(key);
  if (holder !== undefined && holder !== owner.node.path) {
    const where = space ? "this network" : APP_WIDE.has(kind) ? "this app (the name is global in Azure)" : "this stack";
    throw invalidProp(prop, value, `a ${kind} not already used in ${where}: ${holder} uses it`, ConstructErrorCode.DUPLICATE_VALUE);
  }
  map.set(key, owner.node.path);
}
