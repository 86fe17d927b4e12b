/**
 * Who may read what a Key Vault holds: its access policies (inline and `azurerm_key_vault_access_policy`)
 * and the Azure role assignments whose scope holds it, each with the principal it names, followed
 * to what the configuration knows about that principal (a VM's system-assigned identity, a
 * user-assigned identity and the VMs that carry it, the identity running Terraform, or something
 * this configuration cannot name). The vault's permission model decides which of the two
 * mechanisms Azure honours (learn.microsoft.com/azure/key-vault/general/rbac-guide: with Azure RBAC
 * enabled, access policies are ignored, and data-plane roles need it).
 */
import { unreadableBlock } from "./access/fields";
import { VM_TYPES } from "./access/topology";
import { TerraformModel, TfResource } from "./model";

/** The principal a grant names. */
export type Principal =
  /** The system-assigned identity of a VM of this configuration. */
  | { readonly kind: "vm"; readonly vm: TfResource }
  /**
   * A user-assigned identity of this configuration: the VMs it is attached to, the other resources
   * that can act as it (attached through their identity_ids, or a federated identity credential),
   * and why other holders may exist that the configuration does not show.
   */
  | {
    readonly kind: "identity"; readonly identity: TfResource; readonly vms: readonly TfResource[];
    readonly others: readonly IdentityHolder[]; readonly holdersUnknown?: string;
  }
  /** The identity that runs Terraform (`data.azurerm_client_config`). */
  | { readonly kind: "deployer"; readonly text: string }
  /** Anything else: a literal object ID, a variable, a group or application of another provider. */
  | { readonly kind: "unknown"; readonly text: string };

/** A resource other than a VM that can act as a user-assigned identity, and how. */
export interface IdentityHolder {
  readonly resource: TfResource;
  /** `its identity_ids`, or what a federated identity credential allows. */
  readonly how: string;
}

/** Who holds each user-assigned identity, from one pass over the configuration. */
interface HolderIndex {
  readonly byIdentity: Map<TfResource, TfResource[]>;
  /** Holders naming an identity by a literal resource ID, by lower-cased identity name. */
  readonly byName: Map<string, { holder: TfResource; group: string }[]>;
  /** Resources whose attached identities, or whose federated credential's identity, are not known before apply. */
  readonly unknown: { resource: TfResource; reason: string }[];
}

/** A user-assigned identity's resource ID: its resource group and name (IDs are matched case-insensitively). */
const IDENTITY_ID = /\/resourcegroups\/([^/]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([^/]+)\/?$/i;

/** What a grant lets its principal do with a certificate's private key. */
export type KeyAccess =
  /** Read the certificate with its private key (secret Get: the PFX/PEM of an exportable key). */
  | "read"
  /** Use the private key inside the vault (sign, decrypt, unwrap). */
  | "use";

/** One grant on a vault. */
export interface VaultGrant {
  /** The resource a finding about it is reported on (the access policy resource, the vault for an inline policy, the role assignment). */
  readonly resource: TfResource;
  readonly mechanism: "access-policy" | "rbac";
  readonly principal: Principal;
  /** `access policy with secret permissions Get`, `role "Key Vault Secrets User"`. */
  readonly label: string;
  /** What it allows with the private key; empty when nothing; undefined when not known (permissions or role not known). */
  readonly access?: readonly KeyAccess[];
  /** Why `access` is not known. */
  readonly accessUnknown?: string;
  /** Whether the grant's scope holds the vault: false never appears (such grants are not listed); undefined when the scope is not known. */
  readonly coversVault?: true;
  readonly scopeUnknown?: string;
  /** For a role assignment scoped to one item of the vault (a certificate, secret or key): that item. */
  readonly item?: TfResource;
  /** Whether Azure honours this mechanism on the vault (its permission model); undefined when not known. */
  readonly effective?: boolean;
  readonly effectiveUnknown?: string;
}

/** Built-in roles that read secrets (and so a certificate's exportable private key) or use keys, by name (learn.microsoft.com/azure/key-vault/general/rbac-guide). */
const ROLE_ACCESS: Record<string, KeyAccess[]> = {
  "key vault administrator": ["read", "use"],
  "key vault secrets officer": ["read"],
  "key vault secrets user": ["read"],
  "key vault certificate user": ["read"],
  "key vault crypto officer": ["use"],
  "key vault crypto user": ["use"],
  "key vault crypto service encryption user": ["use"],
};

/** Key permissions of an access policy that use the private key. */
const KEY_USE = ["sign", "decrypt", "unwrapkey"];

/** Grants on the vaults of one configuration. Build once with {@link VaultReaders.of}. */
export class VaultReaders {
  public static of(model: TerraformModel): VaultReaders {
    return model.memo("vault-readers", () => new VaultReaders(model));
  }

  private readonly cache = new Map<TfResource, VaultGrant[]>();
  private holderIndex?: HolderIndex;

  private constructor(private readonly model: TerraformModel) {}

  /** Every grant whose scope holds the vault (or may: scope not known). */
  public grantsOn(vault: TfResource): VaultGrant[] {
    let hit = this.cache.get(vault);
    if (!hit) this.cache.set(vault, (hit = this.compute(vault)));
    return hit;
  }

  private compute(vault: TfResource): VaultGrant[] {
    const m = this.model;
    const out: VaultGrant[] = [];
    const rbac = m.resolveBoolean(vault.config.rbac_authorization_enabled ?? vault.config.enable_rbac_authorization);
    const rbacOn = rbac.known ? rbac.value === true : undefined;
    const rbacUnknown = rbac.known ? undefined : `rbac_authorization_enabled of ${vault.address}: ${rbac.reason}`;
    const policy = (resource: TfResource, body: Record<string, any>) => {
      const principal = this.principalOf(body.object_id);
      const secret = m.resolveStringList(body.secret_permissions);
      const key = m.resolveStringList(body.key_permissions);
      let access: KeyAccess[] | undefined = [];
      let accessUnknown: string | undefined;
      if (!secret.known || !key.known) {
        access = undefined;
        accessUnknown = !secret.known ? `secret_permissions: ${secret.reason}` : `key_permissions: ${(key as { reason: string }).reason}`;
      } else {
        if (secret.value.some((p) => p.toLowerCase() === "get")) access.push("read");
        if (key.value.some((p) => KEY_USE.includes(p.toLowerCase()))) access.push("use");
      }
      const perms = [secret.known && secret.value.length ? `secret permissions ${secret.value.join(", ")}` : "", key.known && key.value.length ? `key permissions ${key.value.join(", ")}` : ""].filter((x) => x).join(" and ");
      out.push({
        resource, mechanism: "access-policy", principal, label: `access policy${perms ? ` with ${perms}` : ""}`, access, accessUnknown, coversVault: true,
        effective: rbacOn === undefined ? undefined : !rbacOn, effectiveUnknown: rbacUnknown,
      });
    };
    for (const b of m.blocks(vault, "access_policy")) policy(vault, b);
    // Inline policies Terraform only expands at plan time (a dynamic block, an expression): one grant whose principal and permissions are not known.
    const hidden = unreadableBlock(vault.config, "access_policy");
    if (hidden) {
      out.push({
        resource: vault, mechanism: "access-policy", principal: { kind: "unknown", text: "the principals of its access_policy" }, label: "access_policy",
        accessUnknown: hidden, coversVault: true, effective: rbacOn === undefined ? undefined : !rbacOn, effectiveUnknown: rbacUnknown,
      });
    }
    for (const p of m.ofType("azurerm_key_vault_access_policy")) {
      if (m.referencedResource(p.config.key_vault_id) === vault) policy(p, p.config);
    }
    for (const a of m.ofType("azurerm_role_assignment")) {
      const covers = this.scopeCovers(a.config.scope, vault);
      if (covers === false) continue;
      const item = typeof covers === "object" ? covers : undefined;
      const role = m.resolveString(a.config.role_definition_name);
      let access: KeyAccess[] | undefined;
      let accessUnknown: string | undefined;
      let label: string;
      if (role.known && a.config.role_definition_name !== undefined) {
        access = ROLE_ACCESS[role.value.trim().toLowerCase()] ?? [];
        label = `role "${role.value}"`;
      } else {
        accessUnknown = a.config.role_definition_name !== undefined ? `role_definition_name: ${(role as { reason: string }).reason}` : "role_definition_id names a role whose permissions the checks do not read";
        label = "a role assignment";
      }
      out.push({
        resource: a, mechanism: "rbac", principal: this.principalOf(a.config.principal_id), label, access, accessUnknown,
        coversVault: covers === true ? true : undefined, item, scopeUnknown: covers === undefined ? `scope of ${a.address} is not known before apply` : undefined,
        effective: rbacOn, effectiveUnknown: rbacUnknown,
      });
    }
    return out;
  }

  /** Follows a principal ID to what the configuration knows about it. */
  public principalOf(value: unknown): Principal {
    const m = this.model;
    const raw = typeof value === "string" ? value.trim() : "";
    if (/^\$\{data\.azurerm_client_config\.[A-Za-z0-9_-]+\.object_id\}$/.test(raw)) return { kind: "deployer", text: "the identity running Terraform (data.azurerm_client_config)" };
    const ref = m.referencedPath(value);
    if (ref && VM_TYPES.includes(ref.target.type) && ref.path[0] === "identity") return { kind: "vm", vm: ref.target };
    if (ref && ref.target.type === "azurerm_user_assigned_identity") return this.identityPrincipal(ref.target);
    const lit = m.resolveString(value);
    return { kind: "unknown", text: lit.known ? `principal ${lit.value}` : raw || "(no principal)" };
  }

  /** A user-assigned identity with the VMs and other resources that hold it. */
  private identityPrincipal(identity: TfResource): Principal {
    const m = this.model;
    const index = (this.holderIndex ??= this.indexHolders());
    const holders = new Set(index.byIdentity.get(identity) ?? []);
    let holdersUnknown = index.unknown.length
      ? `${index.unknown[0].reason}${index.unknown.length > 1 ? ` (and ${index.unknown.length - 1} more)` : ""}`
      : undefined;
    // Literal identity IDs elsewhere name an identity by resource group and name: match them when those are known.
    const named = index.byName.size ? m.resolveString(identity.config.name) : undefined;
    if (named && !named.known) holdersUnknown ??= `name of ${identity.address} (literal identity IDs are attached elsewhere): ${named.reason}`;
    else if (named?.known) {
      const group = m.resolveString(identity.config.resource_group_name);
      for (const h of index.byName.get(named.value.toLowerCase()) ?? []) {
        if (!group.known) holdersUnknown ??= `resource_group_name of ${identity.address} (${h.holder.address} attaches an identity of that name by ID): ${group.reason}`;
        else if (group.value.toLowerCase() === h.group) holders.add(h.holder);
      }
    }
    const vms: TfResource[] = [];
    const others: IdentityHolder[] = [];
    for (const h of holders) {
      if (VM_TYPES.includes(h.type)) vms.push(h);
      else others.push({ resource: h, how: h.type === "azurerm_federated_identity_credential" ? "a federated identity credential: tokens of an outside issuer sign in as the identity" : "its identity_ids" });
    }
    return { kind: "identity", identity, vms, others, holdersUnknown };
  }

  /**
   * One pass over every resource: the user-assigned identities each attaches (any resource type's
   * identity block, not only VMs: a function app or container holding the identity acts as it), and
   * the identity of each federated identity credential (learn.microsoft.com/entra/workload-id/workload-identity-federation:
   * a trusted outside issuer's tokens are exchanged for the identity's access tokens).
   */
  private indexHolders(): HolderIndex {
    const m = this.model;
    const byIdentity = new Map<TfResource, TfResource[]>();
    const byName = new Map<string, { holder: TfResource; group: string }[]>();
    const unknown: { resource: TfResource; reason: string }[] = [];
    const add = (holder: TfResource, value: unknown, field: string): void => {
      const ref = m.referencedResource(value);
      if (ref) {
        if (ref.type !== "azurerm_user_assigned_identity") return;
        const list = byIdentity.get(ref) ?? [];
        if (!list.includes(holder)) list.push(holder);
        byIdentity.set(ref, list);
        return;
      }
      const lit = m.resolveString(value);
      if (!lit.known) {
        unknown.push({ resource: holder, reason: `${field} of ${holder.address}: ${lit.reason}` });
        return;
      }
      const id = IDENTITY_ID.exec(lit.value.trim());
      if (!id) return;
      const key = id[2].toLowerCase();
      const list = byName.get(key) ?? [];
      list.push({ holder, group: id[1].toLowerCase() });
      byName.set(key, list);
    };
    for (const r of m.resources) {
      if (r.type === "azurerm_federated_identity_credential") {
        // parent_id in azurerm 4.x; user_assigned_identity_id is its newer name.
        for (const field of ["parent_id", "user_assigned_identity_id"]) if (r.config[field] !== undefined && r.config[field] !== null) add(r, r.config[field], field);
        continue;
      }
      const hidden = unreadableBlock(r.config, "identity");
      if (hidden) unknown.push({ resource: r, reason: `${hidden} on ${r.address}` });
      for (const b of m.blocks(r, "identity")) {
        if (b.identity_ids === undefined || b.identity_ids === null) continue;
        if (!Array.isArray(b.identity_ids)) {
          const ids = m.resolveStringList(b.identity_ids);
          if (!ids.known) unknown.push({ resource: r, reason: `identity_ids of ${r.address}: ${ids.reason}` });
          else for (const id of ids.value) add(r, id, "identity_ids");
          continue;
        }
        for (const id of b.identity_ids) add(r, id, "identity_ids");
      }
    }
    return { byIdentity, byName, unknown };
  }

  /** Does a role assignment scope hold the vault? The item when it is one item of the vault; undefined when not known. */
  private scopeCovers(value: unknown, vault: TfResource): boolean | TfResource | undefined {
    const m = this.model;
    const ref = m.referencedResource(value);
    if (ref) {
      if (ref === vault) return true;
      // A scope inside the vault (a certificate, a secret): it holds the certificate when it is one of its parts.
      if (["azurerm_key_vault_certificate", "azurerm_key_vault_secret", "azurerm_key_vault_key"].includes(ref.type)) return m.referencedResource(ref.config.key_vault_id) === vault ? ref : false;
      if (ref.type === "azurerm_resource_group") return sameName(m, ref.config.name, vault.config.resource_group_name);
      return false;
    }
    const raw = typeof value === "string" ? value.trim() : "";
    if (/^\$\{data\.azurerm_subscription\.[A-Za-z0-9_-]+\.id\}$/.test(raw)) return true;
    const lit = m.resolveString(value);
    if (!lit.known) return undefined;
    const s = lit.value.toLowerCase().replace(/\/$/, "");
    if (/^\/subscriptions\/[^/]+$/.test(s) || /^\/providers\/microsoft\.management\/managementgroups\/[^/]+$/.test(s)) return true;
    const rg = /^\/subscriptions\/[^/]+\/resourcegroups\/([^/]+)(\/providers\/microsoft\.keyvault\/vaults\/([^/]+))?/.exec(s);
    if (!rg) return false;
    const vrg = m.resolveString(vault.config.resource_group_name);
    if (!vrg.known) return undefined;
    if (rg[1] !== vrg.value.toLowerCase()) return false;
    if (!rg[2]) return true;
    const name = m.resolveString(vault.config.name);
    return name.known ? rg[3] === name.value.toLowerCase() : undefined;
  }
}

function sameName(m: TerraformModel, a: unknown, b: unknown): boolean | undefined {
  const x = m.resolveString(a);
  const y = m.resolveString(b);
  if (!x.known || !y.known) return undefined;
  return x.value.toLowerCase() === y.value.toLowerCase();
}
