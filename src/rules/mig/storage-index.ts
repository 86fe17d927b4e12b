import { MigrationTags } from "../../contract/migration-tags";
import { DeploymentRole, parseRoles, ZoneTags } from "../../contract/zone-tags";
import { Resolved, TerraformModel, TfResource } from "../../engine/model";
import { RuleLevel } from "../../engine/rule";

/** A storage account with the shares it holds and the roles it plays. @internal */
export interface AccountView {
  readonly resource: TfResource;
  /** Literal account name, when known. */
  readonly name?: string;
  /** Roles from the `sdz-role` tag. */
  readonly roles: string[];
  readonly shares: ShareView[];
  /** Holds state migration data (account role, or a share's `sdz_role` metadata). */
  stateMigration: boolean;
  /** Holds other deployment content reached over SMB. */
  deploymentContent: boolean;
}

/** A file share and its account. @internal */
export interface ShareView {
  readonly resource: TfResource;
  /** The share name as resolved. */
  readonly name: Resolved<string>;
  /** The account, when it is part of this configuration and could be followed. */
  account?: AccountView;
  /** Roles from the share's `sdz_role` metadata. */
  readonly roles: string[];
  /** The share holds state migration data (own metadata or its account's role). */
  stateMigration: boolean;
}

/** Storage accounts, file shares and their roles, built once per model. @internal */
export class StorageIndex {
  public static of(model: TerraformModel): StorageIndex {
    return model.memo("migration-storage-index", () => new StorageIndex(model));
  }

  public readonly accounts: AccountView[] = [];
  public readonly shares: ShareView[] = [];
  private readonly byResource = new Map<TfResource, AccountView>();

  private constructor(private readonly model: TerraformModel) {
    const byName = new Map<string, AccountView>();
    for (const res of model.ofType("azurerm_storage_account")) {
      const name = model.resolveString(res.config.name);
      const roles = parseRoles(model.tags(res)[ZoneTags.ROLE]);
      const view: AccountView = {
        resource: res,
        name: name.known ? name.value : undefined,
        roles,
        shares: [],
        stateMigration: roles.includes(DeploymentRole.STATE_MIGRATION_STORE),
        deploymentContent: roles.includes(DeploymentRole.DEPLOYMENT_CONTENT),
      };
      this.accounts.push(view);
      this.byResource.set(res, view);
      if (view.name) byName.set(view.name.toLowerCase(), view);
    }
    for (const res of model.ofType("azurerm_storage_share")) {
      const metadata = model.resolve(res.config.metadata);
      const roleText = metadata.known && metadata.value && typeof metadata.value === "object" ? (metadata.value as any)[MigrationTags.SHARE_ROLE_METADATA] : undefined;
      const roleResolved = model.resolveString(roleText);
      const roles = roleText !== undefined && roleResolved.known ? parseRoles(roleResolved.value) : [];
      const account = this.accountFor(res, byName);
      const view: ShareView = {
        resource: res,
        name: model.resolveString(res.config.name),
        account,
        roles,
        stateMigration: roles.includes(DeploymentRole.STATE_MIGRATION_STORE) || !!account?.stateMigration,
      };
      if (account) {
        account.shares.push(view);
        if (roles.includes(DeploymentRole.STATE_MIGRATION_STORE)) account.stateMigration = true;
        if (roles.includes(DeploymentRole.DEPLOYMENT_CONTENT)) account.deploymentContent = true;
      }
      this.shares.push(view);
    }
    // An account may have become state-migration through a share's metadata: propagate to its shares.
    for (const a of this.accounts) if (a.stateMigration) a.shares.forEach((s) => (s.stateMigration = true));
  }

  /** The view of an account resource. */
  public accountOf(resource: TfResource | undefined): AccountView | undefined {
    return resource ? this.byResource.get(resource) : undefined;
  }

  /**
   * Accounts that serve SMB: they hold a share, carry a state-migration or deployment-content role,
   * are `FileStorage` accounts, or configure `share_properties`.
   */
  public get smbAccounts(): AccountView[] {
    return this.model.memo("migration-smb-accounts", () => this.accounts.filter((a) => {
      if (a.shares.length > 0 || a.stateMigration || a.deploymentContent) return true;
      if (a.resource.config.share_properties !== undefined) return true;
      const kind = this.model.resolveString(a.resource.config.account_kind);
      return kind.known && kind.value === "FileStorage";
    }));
  }

  private accountFor(share: TfResource, byName: Map<string, AccountView>): AccountView | undefined {
    const m = this.model;
    for (const field of ["storage_account_id", "storage_account_name"]) {
      const value = share.config[field];
      if (value === undefined || value === null) continue;
      const ref = this.byResource.get(m.referencedResource(value) as TfResource);
      if (ref) return ref;
      const text = m.resolveString(value);
      if (!text.known) continue;
      const name = field === "storage_account_id" ? /\/storageAccounts\/([^/]+)$/i.exec(text.value)?.[1] : text.value;
      const found = name ? byName.get(name.toLowerCase()) : undefined;
      if (found) return found;
    }
    return undefined;
  }
}

/** Error where the account holds state migration data, warning otherwise. @internal */
export function levelFor(account: AccountView): RuleLevel {
  return account.stateMigration ? RuleLevel.ERROR : RuleLevel.WARNING;
}

/** A short description of what the account holds, for messages. @internal */
export function describeAccount(account: AccountView): string {
  if (account.stateMigration) return "state migration storage account";
  if (account.deploymentContent) return "deployment content storage account";
  return "storage account serving SMB file shares";
}

/**
 * A nested block (`share_properties`, `smb`, `network_rules`...): an object, the first element of a
 * list, undefined when absent, or unknown when the block is an unresolved expression. @internal
 */
export function nestedBlock(model: TerraformModel, parent: Record<string, any> | undefined, key: string): Resolved<Record<string, any> | undefined> {
  if (!parent) return { known: true, value: undefined };
  let v = parent[key];
  if (v === undefined || v === null) return { known: true, value: undefined };
  if (typeof v === "string") {
    const r = model.resolve(v);
    if (!r.known) return r;
    v = r.value;
  }
  if (Array.isArray(v)) v = v[0];
  if (v && typeof v === "object" && !Array.isArray(v)) return { known: true, value: v };
  return { known: true, value: undefined };
}

/** The value of one tag of a resource: unknown when the tags (or that tag) cannot be resolved. @internal */
export function tagValue(model: TerraformModel, resource: TfResource, key: string): Resolved<string | undefined> {
  const all = model.resolve(resource.config.tags);
  if (!all.known) return all;
  if (!all.value || typeof all.value !== "object") return { known: true, value: undefined };
  const raw = (all.value as Record<string, unknown>)[key];
  if (raw === undefined || raw === null) return { known: true, value: undefined };
  return model.resolveString(raw);
}
