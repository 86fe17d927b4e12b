/**
 * Who may read what a Key Vault holds: its access policies (inline and `azurerm_key_vault_access_policy`)
 * and the Azure role assignments whose scope holds it, each with the principal it names, followed
 * to what the configuration knows about that principal (a VM's system-assigned identity, a
 * user-assigned identity and the resources that can act as it, the identity running Terraform, or something
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
   * A user-assigned identity of this configuration: the VMs that hold it, the other resources that
   * can act as it, and the resources whose fields may attach an identity that is not known before apply.
   */
  | {
    readonly kind: "identity"; readonly identity: TfResource; readonly vms: readonly IdentityHolder[];
    readonly others: readonly IdentityHolder[]; readonly holdersUnknown: readonly UnknownHolder[];
  }
  /** The identity that runs Terraform (`data.azurerm_client_config`). */
  | { readonly kind: "deployer"; readonly text: string }
  /** Anything else: a literal object ID, a variable, a group or application of another provider. */
  | { readonly kind: "unknown"; readonly text: string };

/** A resource that can act as a user-assigned identity, and how. */
export interface IdentityHolder {
  readonly resource: TfResource;
  /** The fields naming the identity (`kubelet_identity.user_assigned_identity_id`), or what a federated identity credential allows. */
  readonly how: string;
}

/** A resource (the VM, for a VM's extension) with a field that may attach a user-assigned identity, not known before apply. */
export interface UnknownHolder {
  readonly resource: TfResource;
  readonly reason: string;
}

/** A field of a holder that names an identity (`identity.identity_ids`; `settings of <extension>` for a VM's extension). */
interface HolderField {
  readonly holder: TfResource;
  readonly field: string;
}

/** Who holds each user-assigned identity, from one walk of every resource's configuration. */
interface HolderIndex {
  readonly byIdentity: Map<TfResource, HolderField[]>;
  /** Holders naming an identity by a literal resource ID, by lower-cased identity name. */
  readonly byName: Map<string, (HolderField & { group: string })[]>;
  /** Fields that may attach an identity and are not known before apply. */
  readonly unknown: UnknownHolder[];
}

const IDENTITY_TYPE = "azurerm_user_assigned_identity";

/**
 * User-assigned identity resource IDs inside a text: resource group and name (IDs are matched
 * case-insensitively). Segments holding an interpolation are not literal and do not match.
 */
const IDENTITY_IDS = /\/resourcegroups\/([^/\s"'${}]+)\/providers\/microsoft\.managedidentity\/userassignedidentities\/([A-Za-z0-9_-]+)(?![A-Za-z0-9_${-])/gi;
/** `userAssignedIdentities/` in any case: character classes, which V8 scans faster than the `i` flag (every string of every resource is tested). */
const IDENTITY_ID_MARK = new RegExp(`${[..."userassignedidentities"].map((c) => `[${c}${c.toUpperCase()}]`).join("")}/`);

/**
 * A reference to a user-assigned identity of this configuration inside an expression
 * (`[azurerm_user_assigned_identity.x.id]`, `azurerm_user_assigned_identity.x[*].client_id`):
 * module prefix, name, instance keys, first attribute. Not `data.azurerm_user_assigned_identity.x`.
 */
const IDENTITY_REF = /(?<![\w.\]-])((?:module\.[\w-]+(?:\[[^\]]*\])?\.)*)azurerm_user_assigned_identity\.([A-Za-z_][\w-]*)((?:\[[^\]]*\])*)(?:\.([A-Za-z_]\w*))?/g;

/**
 * Attributes of a user-assigned identity that describe it or name it as a principal to grant to,
 * and so do not let the resource that reads them act as it (azurerm 4.x user_assigned_identity
 * attributes; resources are attached by ID, and services pick an attached one by client ID).
 */
const DESCRIBING_ATTRIBUTES = new Set(["principal_id", "tenant_id", "name", "location", "resource_group_name", "tags", "isolation_scope", "timeouts"]);

/**
 * Fields that name an identity without holding it: a grant to it (a role assignment's principal_id,
 * an access policy's object_id or application_id, a database administrator's object_id, which for
 * MySQL is the identity's client ID: azurerm mysql_flexible_server_active_directory_administrator),
 * a tenant, or a target acted upon (a role assignment's, lock's or policy's scope or resource,
 * a role assignment's delegated_managed_identity_resource_id naming its principal's resource).
 * Role assignments on the identity itself (Managed Identity Operator can attach it) are indirect paths, not followed.
 */
const NOT_HOLDING_FIELDS = new Set([
  "principal_id", "object_id", "application_id", "tenant_id", "scope", "scopes", "not_scopes", "assignable_scopes",
  "target_resource_id", "resource_id", "delegated_managed_identity_resource_id",
]);

/** Top-level arguments that attach nothing: tags, timeouts, and Terraform's meta-arguments other than count, for_each and provisioners (whose commands may sign in as an identity). */
const SKIPPED_ARGUMENTS = new Set(["tags", "depends_on", "lifecycle", "provider", "timeouts"]);

/** Field names that switch an identity on or pick its kind, but name none (`type`, `workload_identity_enabled`, `use_managed_identity`). */
const SWITCH_FIELD = /(^|_)(type|enabled|for_each|iterator)$|^use_|_uses?_/;

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
  /**
   * For a role assignment scoped to one item of the vault by its path (`<vault ID>/secrets/<name>`,
   * `/keys/<name>`, `/certificates/<name>`), the item not being a resource of this configuration: its
   * name. A certificate's key and secret carry the certificate's name, so the grant reaches the
   * certificate's private key only when the names match.
   */
  readonly itemName?: string;
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
  private readonly identities = new Map<TfResource, Principal>();
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
      const item = typeof covers === "object" && !("itemName" in covers) ? covers : undefined;
      const itemName = typeof covers === "object" && "itemName" in covers ? covers.itemName : undefined;
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
        coversVault: covers === true ? true : undefined, item, itemName, scopeUnknown: covers === undefined ? `scope of ${a.address} is not known before apply` : undefined,
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
    if (ref && ref.target.type === IDENTITY_TYPE) {
      let p = this.identities.get(ref.target);
      if (!p) this.identities.set(ref.target, (p = this.identityPrincipal(ref.target)));
      return p;
    }
    const lit = m.resolveString(value);
    return { kind: "unknown", text: lit.known ? `principal ${lit.value}` : raw || "(no principal)" };
  }

  /** A user-assigned identity with the VMs and other resources that hold it. */
  private identityPrincipal(identity: TfResource): Principal {
    const m = this.model;
    const index = (this.holderIndex ??= this.indexHolders());
    const fields = [...(index.byIdentity.get(identity) ?? [])];
    const unknown = [...index.unknown];
    // Literal identity IDs elsewhere name an identity by resource group and name: match them when those are known.
    const named = index.byName.size ? m.resolveString(identity.config.name) : undefined;
    if (named && !named.known) {
      for (const list of index.byName.values()) {
        for (const h of list) unknown.push({ resource: h.holder, reason: `name of ${identity.address} (${h.field} names an identity by ID): ${named.reason}` });
      }
    } else if (named?.known) {
      const group = m.resolveString(identity.config.resource_group_name);
      for (const h of index.byName.get(named.value.toLowerCase()) ?? []) {
        if (!group.known) unknown.push({ resource: h.holder, reason: `resource_group_name of ${identity.address} (${h.field} names an identity of that name by ID): ${group.reason}` });
        else if (group.value.toLowerCase() === h.group) fields.push(h);
      }
    }
    const byHolder = new Map<TfResource, string[]>();
    for (const f of fields) {
      const list = byHolder.get(f.holder) ?? [];
      if (!list.includes(f.field)) list.push(f.field);
      byHolder.set(f.holder, list);
    }
    const vms: IdentityHolder[] = [];
    const others: IdentityHolder[] = [];
    for (const [resource, list] of byHolder) {
      if (VM_TYPES.includes(resource.type)) vms.push({ resource, how: list.join(", ") });
      else others.push({ resource, how: resource.type === "azurerm_federated_identity_credential" ? "a federated identity credential: tokens of an outside issuer sign in as the identity" : list.join(", ") });
    }
    return { kind: "identity", identity, vms, others, holdersUnknown: unknown };
  }

  /**
   * One walk of every resource's configuration: each field naming a user-assigned identity's ID or
   * client ID, by reference or literal resource ID, makes its resource a holder, whatever the field
   * is called (identity_ids, a Kubernetes cluster's kubelet_identity, a customer-managed key's
   * user_assigned_identity_id, a web app's key_vault_reference_identity_id, a federated identity
   * credential's parent_id: learn.microsoft.com/entra/workload-id/workload-identity-federation),
   * except fields that only grant to it or describe it ({@link NOT_HOLDING_FIELDS},
   * {@link DESCRIBING_ATTRIBUTES}). A VM's extension or run command acts with the VM's identities
   * (learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token), so the VM is its holder.
   * A field that may attach an identity ({@link mayAttach}) whose value is not known before apply is recorded as unknown.
   */
  private indexHolders(): HolderIndex {
    const m = this.model;
    const byIdentity = new Map<TfResource, HolderField[]>();
    const byName = new Map<string, (HolderField & { group: string })[]>();
    const unknown: UnknownHolder[] = [];
    const hold = (identity: TfResource, at: HolderField): void => {
      const list = byIdentity.get(identity) ?? [];
      list.push(at);
      byIdentity.set(identity, list);
    };
    /** Literal identity IDs in a text; whether there was one. */
    const literalIds = (text: string, at: HolderField): boolean => {
      let found = false;
      for (const id of text.matchAll(IDENTITY_IDS)) {
        const key = id[2].toLowerCase();
        const list = byName.get(key) ?? [];
        list.push({ ...at, group: id[1].toLowerCase() });
        byName.set(key, list);
        found = true;
      }
      return found;
    };
    const keys: string[] = [];
    const onString = (s: string, r: TfResource, holder: TfResource): void => {
      const mentionsId = IDENTITY_ID_MARK.test(s);
      const interpolated = s.includes("${");
      if (!mentionsId && !interpolated) return;
      // Named only when the field names an identity (most strings refer to a subnet or a resource group).
      const at = (): HolderField => ({ holder, field: holder === r ? fieldName(keys) : `${fieldName(keys)} of ${r.address}` });
      if (!interpolated) {
        literalIds(s, at());
        return;
      }
      const target = m.referencedResource(s);
      if (target?.type === IDENTITY_TYPE) {
        const attribute = m.referencedPath(s)?.path.find((p): p is string => typeof p === "string");
        if (attribute === undefined || !DESCRIBING_ATTRIBUTES.has(attribute)) hold(target, at());
        return;
      }
      // Identities named inside an expression (a list, a function call, an ID built from an identity's name).
      let refs = false;
      if (!target && s.includes(IDENTITY_TYPE)) {
        for (const ref of s.matchAll(IDENTITY_REF)) {
          const base = `${ref[1]}${IDENTITY_TYPE}.${ref[2]}`;
          const identity = (ref[3] ? m.byAddress(`${base}${ref[3]}`) : undefined) ?? m.byAddress(base);
          if (!identity) continue;
          refs = true;
          if (ref[4] === undefined || !DESCRIBING_ATTRIBUTES.has(ref[4]) || mentionsId) hold(identity, at());
        }
      }
      if (!mentionsId && !mayAttach(r, keys)) return;
      const value = m.resolveString(s);
      if (value.known) {
        literalIds(value.value, at());
        return;
      }
      // Literal IDs beside an unknown part (a subscription from a variable) still name their identity.
      const literal = mentionsId && literalIds(s, at());
      if (literal || (refs && !OTHER_REFERENCE.test(s.replace(IDENTITY_REF, "")))) return;
      unknown.push({ resource: holder, reason: `${fieldName(keys)} of ${r.address}: ${value.reason}` });
    };
    const walk = (value: unknown, r: TfResource, holder: TfResource): void => {
      if (typeof value === "string") {
        if (!NOT_HOLDING_FIELDS.has(keys[keys.length - 1])) onString(value, r, holder);
      } else if (Array.isArray(value)) {
        for (const item of value) walk(item, r, holder);
      } else if (typeof value === "object" && value !== null) {
        for (const k of Object.keys(value)) {
          if (keys.length === 0 && SKIPPED_ARGUMENTS.has(k)) continue;
          keys.push(k);
          walk((value as Record<string, unknown>)[k], r, holder);
          keys.pop();
        }
      }
    };
    for (const r of m.resources) {
      if (r.type === IDENTITY_TYPE) continue;
      const vm = m.referencedResource(r.config.virtual_machine_id);
      walk(r.config, r, vm && VM_TYPES.includes(vm.type) ? vm : r);
    }
    return { byIdentity, byName, unknown };
  }

  /** Does a role assignment scope hold the vault? The item (or its name) when it is one item of the vault; undefined when not known. */
  private scopeCovers(value: unknown, vault: TfResource): boolean | TfResource | { itemName: string } | undefined {
    const m = this.model;
    // The vault's ID followed by one item's path: a role scoped to that secret, key or certificate
    // (learn.microsoft.com/azure/key-vault/general/rbac-guide, "Secret scope role assignment").
    const itemRef = typeof value === "string" ? ITEM_OF_REFERENCE.exec(value.trim()) : null;
    if (itemRef) {
      const path = m.referencedPath(itemRef[1]);
      if (path && path.target.type === "azurerm_key_vault" && path.path.length === 1 && path.path[0] === "id") {
        return path.target === vault ? { itemName: itemRef[2] } : false;
      }
    }
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
    if (!name.known) return undefined;
    if (rg[3] !== name.value.toLowerCase()) return false;
    const rest = ITEM_PATH.exec(s.slice(rg[0].length));
    return rest ? { itemName: rest[2] } : true;
  }
}

/** A Key Vault item's path after its vault's ID: `/secrets/<name>`, `/keys/<name>` or `/certificates/<name>` (names: letters, digits, `-`). */
const ITEM_PATH = /^\/(secrets|keys|certificates)\/([A-Za-z0-9-]+)$/i;
/** A whole reference followed by an item's path: `${azurerm_key_vault.kv.id}/secrets/<name>`. */
const ITEM_OF_REFERENCE = /^(\$\{[^{}]+\})\/(?:secrets|keys|certificates)\/([A-Za-z0-9-]+)$/i;

function sameName(m: TerraformModel, a: unknown, b: unknown): boolean | undefined {
  const x = m.resolveString(a);
  const y = m.resolveString(b);
  if (!x.known || !y.known) return undefined;
  return x.value.toLowerCase() === y.value.toLowerCase();
}

/** Anything an expression refers to (`var.x`, `local.y`, `azurerm_x.y.z`, `each.value`): a name followed by an attribute. */
const OTHER_REFERENCE = /(^|[^\w.])[A-Za-z_][\w-]*\s*(\.|\[")\s*[A-Za-z_*]/;

/**
 * Whether a field may attach a user-assigned identity, so that an unknown value there may name one:
 * a field named for an identity or within such a block (identity_ids, kubelet_identity.*,
 * user_assigned_identity_id, key_vault_reference_identity_id, primary_user_assigned_identity,
 * a container app registry's identity), an HDInsight cluster's msi_resource_id or a Bot Service's
 * microsoft_app_msi_id, an Event Hub capture's storage_authentication_id, a federated identity
 * credential's parent_id (azurerm 4.x docs of each); not a switch (`type`, `..._enabled`, `use_...`).
 */
function mayAttach(r: TfResource, keys: readonly string[]): boolean {
  const leaf = keys[keys.length - 1] ?? "";
  if (r.type === "azurerm_federated_identity_credential" && leaf === "parent_id") return true;
  if (SWITCH_FIELD.test(leaf)) return false;
  if (keys.some((k) => k.includes("identit"))) return true;
  return /(^|_)msi(_\w+)?_id$/.test(leaf) || leaf === "storage_authentication_id";
}

/** A field's path without list indexes; a dynamic block's content read as the block (`kubelet_identity.client_id (a dynamic block)`). */
function fieldName(keys: readonly string[]): string {
  const out: string[] = [];
  let dynamic = false;
  for (let i = 0; i < keys.length; i++) {
    if (keys[i] === "dynamic" && i + 1 < keys.length) {
      out.push(keys[i + 1]);
      dynamic = true;
      i += keys[i + 2] === "content" ? 2 : 1;
    } else out.push(keys[i]);
  }
  return `${out.join(".")}${dynamic ? " (a dynamic block)" : ""}`;
}
