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
  /** A user-assigned identity of this configuration, and the VMs it is attached to. */
  | { readonly kind: "identity"; readonly identity: TfResource; readonly vms: readonly TfResource[] }
  /** The identity that runs Terraform (`data.azurerm_client_config`). */
  | { readonly kind: "deployer"; readonly text: string }
  /** Anything else: a literal object ID, a variable, a group or application of another provider. */
  | { readonly kind: "unknown"; readonly text: string };

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
    if (ref && ref.target.type === "azurerm_user_assigned_identity") {
      const vms = m.ofType(...VM_TYPES).filter((vm) => m.blocks(vm, "identity").some((b) => {
        const ids = Array.isArray(b.identity_ids) ? b.identity_ids : [];
        return ids.some((id: unknown) => m.referencedResource(id) === ref.target);
      }));
      return { kind: "identity", identity: ref.target, vms };
    }
    const lit = m.resolveString(value);
    return { kind: "unknown", text: lit.known ? `principal ${lit.value}` : raw || "(no principal)" };
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
