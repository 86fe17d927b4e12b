/**
 * Azure Files storage of a configuration: storage accounts, their file shares and Files private
 * endpoints, and the deployment roles of accounts and shares with evidence.
 *
 * An account or share is a *state migration store* when
 * - declared: `sdz-role=state-migration-store` on the account, or `sdz_role` in a share's metadata
 *   (shares cannot carry tags), or
 * - inferred: a state migration point (declared or inferred, see {@link StateMigrationPoints}) uses
 *   it: a script that runs on the point names it (a UNC path `\\<account>.file.core.windows.net\<share>`,
 *   the account's Files host, or the account name), or the account's Files private endpoint sits in
 *   the point's zone (subnet).
 *
 * It holds *deployment content* when
 * - declared: `sdz-role=deployment-content` on the account or in share metadata; a reference
 *   computer's capture location (`sdz-ref-capture-location`) or an out-of-band service point's IDE
 *   image location (`sdz-oob-ide-image-location`) names it, or
 * - inferred: a script on a deployment server (a distribution point, KMS host, domain controller,
 *   out-of-band service point or reference computer, declared or inferred by {@link Roles}) names it,
 *   or its Files private endpoint sits in a zone holding such a server.
 *
 * A role on a share makes its account hold that role too (the share is reached through the account);
 * a role of the whole account (its tag, its name or host in a script, its private endpoint) covers
 * every share of it. Accounts *serve SMB* when they hold an SMB share (`enabled_protocol` unset or
 * "SMB"), or, holding no share here, a Files private endpoint, are FileStorage accounts or configure
 * `share_properties`, or when they have a role: the SMB transport rules apply to each of them
 * whatever its role. An account whose shares here are all NFS serves no SMB for them.
 *
 * An account *may serve SMB* ({@link Storage.smbDoubt}) when the configuration cannot tell: a share
 * or a Files private endpoint whose account link is not known before apply (a variable, an
 * expression) may be on any account of this configuration that can hold file shares, a share whose
 * `enabled_protocol` is not known may be an SMB share, and a `dynamic "share_properties"` block may
 * configure SMB. The SMB rules then say could-not-verify,
 * naming the field, where they would otherwise pass silently.
 */
import { unreadableBlock } from "./access/fields";
import { Reachability } from "./access/reachability";
import { PrivateEndpoint, Subnet, Vm } from "./access/topology";
import { Resolved, TerraformModel, TfResource } from "./model";
import { RoleClaim, Roles } from "./roles";
import { Settings } from "./settings";
import { StateMigrationPoints } from "./state-migration-points";
import { MIGRATION_TAG } from "../contract/migration-tags";
import { OOB_TAG } from "../contract/oob-tags";
import { PXE_TAG } from "../contract/pxe-tags";
import { TagSpec } from "../contract/tag";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";

/** The roles storage can play. */
export type StorageRole = DeploymentRole.STATE_MIGRATION_STORE | DeploymentRole.DEPLOYMENT_CONTENT;
const STORAGE_ROLES: readonly DeploymentRole[] = [DeploymentRole.STATE_MIGRATION_STORE, DeploymentRole.DEPLOYMENT_CONTENT];

/** Roles whose servers make the storage they use "deployment content" (state migration points make it a state store). */
export const DEPLOYMENT_SERVER_ROLES: readonly DeploymentRole[] = [
  DeploymentRole.PXE_DISTRIBUTION_POINT,
  DeploymentRole.KMS_HOST,
  DeploymentRole.DOMAIN_CONTROLLER,
  DeploymentRole.OOB_SERVICE_POINT,
  DeploymentRole.REFERENCE_COMPUTER,
];

/** One role of an account or share and why the checks believe it. */
export interface StorageRoleClaim {
  readonly role: StorageRole;
  readonly source: "declared" | "inferred";
  /** E.g. `sdz-role=state-migration-store on azurerm_storage_account.usmt`. */
  readonly evidence: string;
}

/** An Azure file share (`azurerm_storage_share`). */
export interface FileShare {
  readonly resource: TfResource;
  readonly name: Resolved<string>;
  /** Its account, when it is part of this configuration and can be followed. */
  readonly account?: StorageAccount;
  /** Roles of the share itself (its metadata, a UNC path naming it). */
  readonly claims: StorageRoleClaim[];
  /** Why the share's `sdz_role` metadata cannot be read. */
  readonly metadataUnknown?: string;
  /**
   * Its protocol (`enabled_protocol`, upper-cased; azurerm: "SMB" or "NFS", defaults to SMB), or why
   * it is not known before apply.
   */
  readonly protocol: Resolved<string>;
}

/** A storage account (`azurerm_storage_account`). */
export interface StorageAccount {
  readonly resource: TfResource;
  /** The account name, lower-cased (account names are DNS labels). */
  readonly name: Resolved<string>;
  readonly shares: FileShare[];
  /** Private endpoints of this account's `file` sub-resource. */
  readonly filesEndpoints: PrivateEndpoint[];
  /** Roles of the whole account. */
  readonly claims: StorageRoleClaim[];
  /** Why the account's `sdz-role` tag cannot be read. */
  readonly tagUnknown?: string;
  /** Share names that UNC paths name on this account but no share resource of this configuration holds, with the evidence. */
  readonly referencedShares: Map<string, StorageRoleClaim[]>;
}

/** A use of an account found in a script or a location tag. */
interface Reference {
  readonly account: StorageAccount;
  /** The share a UNC path names, lower-cased. */
  readonly share?: string;
  /** `\\acct.file.core.windows.net\usmt`, `the Files host acct.file.core.windows.net`, `the account name acct`. */
  readonly what: string;
}

/** Azure Files host names (public, private link, sovereign clouds). */
const FILES_HOST = String.raw`(?:\.privatelink)?\.file\.core\.(?:windows\.net|usgovcloudapi\.net|chinacloudapi\.cn)`;
const UNC = new RegExp(String.raw`(?:\\\\|//)([a-z0-9]{3,24})${FILES_HOST}[\\/]+([a-z0-9][a-z0-9-]{1,62})`, "gi");
const HOST = new RegExp(String.raw`\b([a-z0-9]{3,24})${FILES_HOST}\b`, "gi");
const ACCOUNT_ID = /\/storageAccounts\/([^/\s"']+)/i;

/**
 * Account kinds that can hold Azure file shares: general-purpose v2 and v1 and premium FileStorage;
 * BlobStorage and BlockBlobStorage accounts serve blobs only (learn.microsoft.com/azure/storage/common/storage-account-overview,
 * "Types of storage accounts"). azurerm: account_kind "Defaults to StorageV2"
 * (hashicorp/terraform-provider-azurerm website/docs/r/storage_account.html.markdown).
 */
const FILE_KINDS = ["StorageV2", "Storage", "FileStorage"];
/** How many unfollowed links a doubt names before "and N more" (messages stay short, reports linear). */
const UNLINKED_SHOWN = 3;

/** Where an account link (`storage_account_id`, `private_connection_resource_id`, a name) leads. */
export interface AccountLink {
  /** The account of this configuration it names. */
  readonly account?: StorageAccount;
  /** Why it cannot be followed (not known before apply); undefined when it is known (here or elsewhere). */
  readonly unknown?: string;
  /** The link is a literal name: only an account whose name is not known before apply may be the one. */
  readonly onlyUnnamed?: boolean;
}

/** How many attributes of other resources an account link is followed through. */
const MAX_LINK_HOPS = 4;

/** The configured value at `path` (`["storage_account_id"]`, `["block", 0, "x"]`); a single block may be written as an object. */
function rawAt(config: unknown, path: readonly (string | number)[]): unknown {
  let cur = config;
  for (const key of path) {
    if (Array.isArray(cur) && typeof key === "number") cur = cur[key];
    else if (cur !== null && typeof cur === "object" && !Array.isArray(cur)) cur = key === 0 ? cur : (cur as Record<string, unknown>)[key];
    else return undefined;
  }
  return cur;
}

/** Why an account may serve SMB, for accounts a link cannot be followed to. */
interface Unlinked {
  readonly why: string;
  readonly onlyUnnamed?: boolean;
}

/** Storage of one configuration. Build once with {@link Storage.of}. */
export class Storage {
  public static of(model: TerraformModel): Storage {
    return model.memo("storage", () => new Storage(model));
  }

  public readonly accounts: StorageAccount[] = [];
  public readonly shares: FileShare[] = [];
  private readonly byResource = new Map<TfResource, StorageAccount>();
  private readonly byName = new Map<string, StorageAccount>();
  /** Reasons any account without a declared role may still be a state migration store. */
  private readonly stateDoubts: string[] = [];
  /** Reasons one account (whose name is not known) may be a state migration store. */
  private readonly accountDoubts = new Map<StorageAccount, string[]>();
  /** Shares whose account cannot be followed, with why: they may be on any account that can hold file shares. */
  private readonly unlinkedShares: (Unlinked & { share: FileShare })[] = [];
  /** Why any account that can hold file shares may serve SMB (shares and Files endpoints whose account cannot be followed). */
  private readonly unlinked: Unlinked[] = [];
  /** Why one account may serve SMB (a dynamic share_properties block, a Files endpoint whose sub-resource is not known). */
  private readonly smbDoubts = new Map<StorageAccount, string[]>();
  /** True when some account's name is not known before apply (a literal name matching none may be it). */
  private anyUnnamed = false;
  /** The unlinked reasons as one capped text, for accounts whose name is known and for those whose name is not (built once: per account they are the same). */
  private unlinkedText?: { named?: string; unnamed?: string };
  /** Per account: why it may serve SMB (memoised: the SMB rules ask for every account). */
  private readonly smbDoubtMemo = new Map<StorageAccount, string | undefined>();

  private constructor(private readonly model: TerraformModel) {
    const m = model;
    for (const res of m.ofType("azurerm_storage_account")) {
      const raw = m.resolveString(res.config.name);
      const name: Resolved<string> = raw.known ? { known: true, value: raw.value.trim().toLowerCase() } : raw;
      const account: StorageAccount = { resource: res, name, shares: [], filesEndpoints: [], claims: [], referencedShares: new Map() };
      const tag = readRoles(ZONE_TAG.roles, m.tagBlock(res), res);
      (account as { tagUnknown?: string }).tagUnknown = tag.unknown;
      for (const c of tag.claims) addClaim(account.claims, c);
      this.accounts.push(account);
      this.byResource.set(res, account);
      if (name.known) this.byName.set(name.value, account);
      else this.anyUnnamed = true;
      // A dynamic share_properties block (expanded at plan time) may configure SMB; a string expression is read by the rules.
      const dynamicSp = res.config.share_properties === undefined || res.config.share_properties === null ? unreadableBlock(res.config, "share_properties") : undefined;
      if (dynamicSp) this.doubtSmb(account, dynamicSp);
    }
    for (const res of m.ofType("azurerm_storage_share")) {
      const meta = readRoles(MIGRATION_TAG.shareRoles, m.tagBlock(res, "metadata"), res, "metadata");
      // azurerm 4.x: storage_account_id, or the deprecated storage_account_name, which azurerm 5.0 removes
      // (registry.terraform.io/providers/hashicorp/azurerm/latest/docs/guides/5.0-upgrade-guide, azurerm_storage_share).
      const byId = res.config.storage_account_id !== undefined && res.config.storage_account_id !== null;
      const field = byId ? "storage_account_id" : "storage_account_name";
      const link = this.linkOf(res.config[field], !byId);
      // azurerm: enabled_protocol "SMB" or "NFS", "Defaults to SMB" (registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/storage_share).
      const rawProtocol = res.config.enabled_protocol;
      const proto = m.resolveString(rawProtocol === undefined || rawProtocol === null ? "SMB" : rawProtocol);
      const protocol: Resolved<string> = proto.known ? { known: true, value: proto.value.trim().toUpperCase() } : proto;
      const share: FileShare = {
        resource: res, name: m.resolveString(res.config.name), account: link.account, claims: [...meta.claims], metadataUnknown: meta.unknown, protocol,
      };
      link.account?.shares.push(share);
      this.shares.push(share);
      const protocolDoubt = protocol.known ? undefined : `${res.address} enabled_protocol is not known before apply (${protocol.reason}), so it may be an SMB share`;
      if (protocolDoubt && link.account) this.doubtSmb(link.account, protocolDoubt);
      if (link.unknown) {
        const u = { why: `${res.address} ${field} is not known before apply (${link.unknown}), so the share may be on this account`, onlyUnnamed: link.onlyUnnamed };
        this.unlinkedShares.push({ ...u, share });
        // An NFS share on an unknown account makes no account serve SMB.
        if (!isNfs(share)) this.unlinked.push(protocolDoubt ? { ...u, why: `${u.why}, and ${protocolDoubt}` } : u);
      }
    }
    const topology = Reachability.of(m).access.topology;
    for (const pe of topology.privateEndpoints) {
      const hidden = unreadableBlock(pe.resource.config, "private_service_connection");
      const conn = m.blocks(pe.resource, "private_service_connection")[0];
      if (!conn) {
        // A dynamic connection may be a Files endpoint of any account.
        if (hidden) this.unlinked.push({ why: `${pe.resource.address}: ${hidden}, so it may be a Files private endpoint of this account` });
        continue;
      }
      const field = "private_service_connection.private_connection_resource_id";
      const link: AccountLink = pe.target ? { account: this.byResource.get(pe.target) } : this.linkOf(conn.private_connection_resource_id);
      const subresources = m.resolveStringList(conn.subresource_names);
      if (!subresources.known) {
        const why = `${pe.resource.address} private_service_connection.subresource_names is not known before apply (${subresources.reason}), so it may be a Files private endpoint`;
        if (link.account) this.doubtSmb(link.account, why);
        else if (link.unknown) this.unlinked.push({ why: `${why} of this account (${field}: ${link.unknown})`, onlyUnnamed: link.onlyUnnamed });
        continue;
      }
      if (!subresources.value.some((s) => s.toLowerCase() === "file")) continue;
      link.account?.filesEndpoints.push(pe);
      if (link.unknown) this.unlinked.push({ why: `${pe.resource.address} ${field} is not known before apply (${link.unknown}), so this Files private endpoint may be this account's`, onlyUnnamed: link.onlyUnnamed });
    }
    if (this.accounts.length > 0) this.infer(topology.vms);
  }

  /** The account of a resource. */
  public accountOf(resource: TfResource | undefined): StorageAccount | undefined {
    return resource ? this.byResource.get(resource) : undefined;
  }

  /** The account an `id` (reference or literal ID) or a name (`byName`) points at. */
  public accountFrom(value: unknown, byName = false): StorageAccount | undefined {
    return this.linkOf(value, byName).account;
  }

  /**
   * Where an account link leads: an account of this configuration, somewhere else (a literal naming
   * no account here, a data source, which reads an account that already exists), or unknown: a
   * variable or expression that may name any account here. Unset links lead nowhere (azurerm requires them).
   * A reference to another resource's argument follows that argument ({@link linkThrough}).
   */
  public linkOf(value: unknown, byName = false, hops = 0): AccountLink {
    if (value === undefined || value === null || value === "") return {};
    const ref = this.model.referencedPath(value);
    if (ref) {
      const account = this.byResource.get(ref.target);
      return account ? { account } : this.linkThrough(ref.target, ref.path, byName, hops);
    }
    if (typeof value === "string" && /^\$\{\s*data\.azurerm_storage_account\./.test(value.trim())) return {};
    const text = this.model.resolveString(value);
    if (!text.known) return { unknown: text.reason };
    const name = byName ? text.value : ACCOUNT_ID.exec(text.value)?.[1];
    const account = name ? this.byName.get(name.trim().toLowerCase()) : undefined;
    // A literal name matching no known name may still be an account whose name is not known before apply.
    if (!account && name && this.anyUnnamed) return { unknown: `it names account "${name}", which may be an account of this configuration whose name is not known before apply`, onlyUnnamed: true };
    return { account };
  }

  /**
   * A link through an attribute of another resource: `${azurerm_backup_container_storage_account.c.storage_account_id}`,
   * as azurerm's own example for azurerm_backup_protected_file_share writes source_storage_account_id
   * (hashicorp/terraform-provider-azurerm website/docs/r/backup_protected_file_share.html.markdown).
   * An argument set in configuration keeps that value after apply (Terraform rejects a provider result
   * that differs from the configured value), so the link is that argument, followed in turn. The
   * resource's own `id` names that resource, not an account (it leads elsewhere); any other attribute
   * this configuration does not set is computed at apply time: not known, never "elsewhere".
   */
  private linkThrough(target: TfResource, path: (string | number)[], byName: boolean, hops: number): AccountLink {
    const where = [target.address, ...path].join(".");
    if (path.length === 1 && path[0] === "id") return {};
    if (path.length === 0) return { unknown: `a reference to the whole resource ${target.address}` };
    const raw = rawAt(target.config, path);
    if (raw === undefined || raw === null) return { unknown: `it refers to ${where}, which this configuration does not set` };
    // A chain of such references is short in practice; a cycle or a very long one is not followed.
    if (hops >= MAX_LINK_HOPS) return { unknown: `it refers to ${where}, through more than ${MAX_LINK_HOPS} references` };
    const next = this.linkOf(raw, byName, hops + 1);
    return next.unknown ? { ...next, unknown: `via ${where}: ${next.unknown}` } : next;
  }

  /** Every role claim of an account: its own, and those of its shares. */
  public accountClaims(account: StorageAccount, role?: StorageRole): StorageRoleClaim[] {
    const out = [...account.claims];
    for (const s of account.shares) for (const c of s.claims) addClaim(out, { ...c, evidence: `share ${shareLabel(s)}: ${c.evidence}` });
    for (const [name, claims] of account.referencedShares) for (const c of claims) addClaim(out, { ...c, evidence: `share "${name}": ${c.evidence}` });
    return out.filter((c) => !role || c.role === role);
  }

  /** Every role claim of a share: its own, and those of its whole account. */
  public shareClaims(share: FileShare, role?: StorageRole): StorageRoleClaim[] {
    const out = [...share.claims];
    for (const c of share.account?.claims ?? []) addClaim(out, { ...c, evidence: `its account: ${c.evidence}` });
    return out.filter((c) => !role || c.role === role);
  }

  /**
   * Why an SMB-serving account with no state-migration claim may still be one: its role tag or a
   * share's metadata cannot be read, or (when nothing declares its role) a state migration point runs
   * scripts the checks cannot read or names a Files host of no account known here. Undefined when
   * the configuration settles it (a claim, or nothing that could make one).
   */
  public stateStoreDoubt(account: StorageAccount): string | undefined {
    // An account that serves no SMB here (no share, no Files endpoint, no SMB settings) holds no state share to doubt.
    if (this.accountClaims(account, DeploymentRole.STATE_MIGRATION_STORE).length > 0) return undefined;
    if (!this.smbServing(account) && !this.smbDoubt(account)) return undefined;
    const own = [account.tagUnknown, ...account.shares.map((s) => s.metadataUnknown && `share ${shareLabel(s)}: ${s.metadataUnknown}`)].filter((x): x is string => !!x);
    own.push(...this.accountDoubts.get(account) ?? []);
    // A state migration share (or one whose role cannot be read) whose account cannot be followed may be on this account.
    if (this.mayHoldFiles(account)) {
      const shown = this.stateUnlinked().filter((u) => this.mayBe(account, u));
      for (const { text } of shown.slice(0, UNLINKED_SHOWN)) own.push(text);
      if (shown.length > UNLINKED_SHOWN) own.push(`and ${shown.length - UNLINKED_SHOWN} more such shares`);
    }
    if (own.length > 0) return own.join("; ");
    // Only an account nothing declares may be used unseen; a declared content store stays content.
    if (this.accountClaims(account).some((c) => c.source === "declared")) return undefined;
    return this.stateDoubts.length > 0 ? this.stateDoubts.join("; ") : undefined;
  }

  /**
   * Why an account serves SMB (an SMB share, a Files private endpoint, its kind, its SMB settings, a
   * role), or undefined. An account whose shares here are all NFS (or of a protocol not known before
   * apply, which {@link smbDoubt} names) is an NFS account: its Files private endpoint, FileStorage
   * kind and share_properties serve those shares, not SMB.
   */
  public smbServing(account: StorageAccount): string | undefined {
    return this.model.memo(`storage-smb:${account.resource.address}`, () => {
      const smb = account.shares.filter(isSmb);
      if (smb.length > 0) return `it holds file share ${smb.map(shareLabel).slice(0, 3).join(", ")}`;
      if (account.shares.length === 0) {
        if (account.filesEndpoints.length > 0) return `Files private endpoint ${account.filesEndpoints[0].resource.address}`;
        const kind = this.model.resolveString(account.resource.config.account_kind);
        if (kind.known && kind.value === "FileStorage") return "it is a FileStorage account";
        if (account.resource.config.share_properties !== undefined && account.resource.config.share_properties !== null) return "it configures share_properties";
      }
      const c = this.accountClaims(account)[0];
      return c ? `it is a ${roleWords(c.role)} (${describeClaim(c)})` : undefined;
    });
  }

  /**
   * Why an account not known to serve SMB may serve it, or undefined: a share or Files private
   * endpoint whose account cannot be followed (only for accounts whose kind can hold file shares,
   * so blob-only accounts stay quiet), a share of it whose enabled_protocol is not known, a dynamic
   * share_properties block, a Files endpoint whose sub-resource is not known.
   */
  public smbDoubt(account: StorageAccount): string | undefined {
    if (this.smbDoubtMemo.has(account)) return this.smbDoubtMemo.get(account);
    let out: string | undefined;
    if (!this.smbServing(account)) {
      const reasons = [...this.smbDoubts.get(account) ?? []];
      const unlinked = this.mayHoldFiles(account) ? this.unlinkedTextFor(account) : undefined;
      if (unlinked) reasons.push(unlinked);
      out = reasons.length > 0 ? reasons.join("; ") : undefined;
    }
    this.smbDoubtMemo.set(account, out);
    return out;
  }

  /**
   * The unlinked shares' and endpoints' reasons that may concern the account, as one text naming the
   * first few (every account of a kind may be concerned by all of them: listing each in each would make
   * reports grow with accounts x links). Built once for named and once for unnamed accounts.
   */
  private unlinkedTextFor(account: StorageAccount): string | undefined {
    if (!this.unlinkedText) {
      const text = (list: Unlinked[]) => (list.length === 0 ? undefined
        : `${list.slice(0, UNLINKED_SHOWN).map((u) => u.why).join("; ")}${list.length > UNLINKED_SHOWN ? `; and ${list.length - UNLINKED_SHOWN} more` : ""}`);
      this.unlinkedText = { named: text(this.unlinked.filter((u) => !u.onlyUnnamed)), unnamed: text(this.unlinked) };
    }
    return account.name.known ? this.unlinkedText.named : this.unlinkedText.unnamed;
  }

  /** Shares whose account cannot be followed that hold state migration data (or whose role cannot be read), with the reason; built once. */
  private stateUnlinked(): { text: string; onlyUnnamed?: boolean }[] {
    return this.model.memo("storage-state-unlinked", () => this.unlinkedShares.flatMap(({ share, why, onlyUnnamed }) => {
      if (share.claims.some((c) => c.role === DeploymentRole.STATE_MIGRATION_STORE)) return [{ text: `share ${shareLabel(share)} holds state migration data (${describeClaims(share.claims, 1)}) and ${why}`, onlyUnnamed }];
      if (share.metadataUnknown) return [{ text: `share ${shareLabel(share)}: ${share.metadataUnknown}, and ${why}`, onlyUnnamed }];
      return [];
    }));
  }

  /** SMB-serving accounts. */
  public get smbAccounts(): StorageAccount[] {
    return this.accounts.filter((a) => !!this.smbServing(a));
  }

  /** SMB-serving accounts and those that may serve SMB ({@link smbDoubt}): the SMB rules' scope. */
  public get smbScope(): StorageAccount[] {
    return this.accounts.filter((a) => !!this.smbServing(a) || !!this.smbDoubt(a));
  }

  /** True unless the account's kind is known to hold no file shares (BlobStorage, BlockBlobStorage). */
  private mayHoldFiles(account: StorageAccount): boolean {
    const kind = this.model.resolveString(account.resource.config.account_kind ?? "StorageV2");
    return !kind.known || FILE_KINDS.includes(kind.value.trim());
  }

  /** True when an unfollowed link may lead to the account (a literal name only to accounts whose name is not known). */
  public mayBe(account: StorageAccount, u: { onlyUnnamed?: boolean }): boolean {
    return !u.onlyUnnamed || !account.name.known;
  }

  private doubtSmb(account: StorageAccount, why: string): void {
    this.smbDoubts.set(account, [...this.smbDoubts.get(account) ?? [], why]);
  }

  // ---------------------------------------------------------------------------- inference

  private infer(vms: readonly Vm[]): void {
    const m = this.model;
    const settings = Settings.of(m);
    const roles = Roles.of(m);
    const points = StateMigrationPoints.of(m);

    // Declared locations: a reference computer's capture location, an out-of-band service point's IDE images.
    for (const vm of vms) {
      for (const spec of [PXE_TAG.captureLocation, OOB_TAG.ideImageLocation]) {
        const read = readFrom(m, spec, vm);
        if (read.state !== "known") continue;
        for (const ref of this.references(read.value)) {
          this.claim(ref, { role: DeploymentRole.DEPLOYMENT_CONTENT, source: "declared", evidence: `${spec.key}=${read.value} on ${read.carrier.address}` });
        }
      }
    }

    // State migration points: their scripts and their zone.
    for (const p of points.points) {
      const who = `state migration point ${p.vm.resource.address} (${describeRoleClaim(p.claim)})`;
      for (const s of settings.scriptsOn(p.vm.resource)) {
        for (const ref of this.references(s.text)) this.claim(ref, { role: DeploymentRole.STATE_MIGRATION_STORE, source: "inferred", evidence: `${ref.what} in ${s.resource.address} on ${who}` });
        // A Files host of no account known here may be an account whose name is not known before apply.
        const foreign = [...s.text.matchAll(HOST)].map((x) => x[0]).filter((h) => !this.byName.has(h.split(".")[0].toLowerCase()));
        if (foreign.length === 0) continue;
        for (const a of this.accounts.filter((x) => !x.name.known)) {
          this.accountDoubts.set(a, [...this.accountDoubts.get(a) ?? [], `its name is not known before apply (${(a.name as { reason: string }).reason}), and ${s.resource.address} on ${who} uses ${foreign[0]}`]);
        }
      }
      const hidden = settings.hiddenScriptsOn(p.vm.resource);
      if (hidden.length > 0) this.stateDoubts.push(`${who} runs scripts the checks cannot read (${hidden[0]})`);
      this.claimEndpointsIn(subnetsOf(p.vm), DeploymentRole.STATE_MIGRATION_STORE, (pe) => `its Files private endpoint ${pe.resource.address} is in the zone of ${who}`);
    }

    // Deployment servers: their scripts and their zones.
    for (const vm of vms) {
      if (points.pointOf(vm)) continue;
      const claim = roles.ofVm(vm).claims.find((c) => DEPLOYMENT_SERVER_ROLES.includes(c.role));
      if (!claim) continue;
      const who = `${claim.role} ${vm.resource.address} (${describeRoleClaim(claim)})`;
      for (const s of settings.scriptsOn(vm.resource)) {
        for (const ref of this.references(s.text)) this.claim(ref, { role: DeploymentRole.DEPLOYMENT_CONTENT, source: "inferred", evidence: `${ref.what} in ${s.resource.address} on ${who}` });
      }
      this.claimEndpointsIn(subnetsOf(vm), DeploymentRole.DEPLOYMENT_CONTENT, (pe) => `its Files private endpoint ${pe.resource.address} is in the zone of ${who}`);
    }
  }

  private claimEndpointsIn(subnets: readonly Subnet[], role: StorageRole, evidence: (pe: PrivateEndpoint) => string): void {
    for (const a of this.accounts) {
      const pe = a.filesEndpoints.find((e) => e.subnet && subnets.includes(e.subnet));
      if (pe) addClaim(a.claims, { role, source: "inferred", evidence: evidence(pe) });
    }
  }

  /** Records a claim on the share a reference names (or the account's referenced share names), else on the account. */
  private claim(ref: Reference, claim: StorageRoleClaim): void {
    if (!ref.share) {
      addClaim(ref.account.claims, claim);
      return;
    }
    const share = ref.account.shares.find((s) => s.name.known && s.name.value.toLowerCase() === ref.share);
    if (share) addClaim(share.claims, claim);
    else {
      const list = ref.account.referencedShares.get(ref.share) ?? [];
      addClaim(list, claim);
      ref.account.referencedShares.set(ref.share, list);
    }
  }

  /** The accounts of this configuration a text names: UNC paths (with the share), Files hosts, account names. */
  private references(text: string): Reference[] {
    const out: Reference[] = [];
    const seen = new Set<string>();
    const add = (r: Reference) => {
      const key = `${r.account.resource.address}|${r.share ?? ""}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(r);
      }
    };
    for (const m of text.matchAll(UNC)) {
      const account = this.byName.get(m[1].toLowerCase());
      if (account) add({ account, share: m[2].toLowerCase(), what: `\\\\${m[0].slice(2).replace(/\//g, "\\")}` });
    }
    for (const m of text.matchAll(HOST)) {
      const account = this.byName.get(m[1].toLowerCase());
      if (account && !out.some((r) => r.account === account)) add({ account, what: `the Files host ${m[0]}` });
    }
    for (const account of this.accounts) {
      if (!account.name.known || out.some((r) => r.account === account)) continue;
      if (new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(account.name.value)}(?![A-Za-z0-9])`, "i").test(text)) add({ account, what: `the account name ${account.name.value}` });
    }
    return out;
  }
}

/** True when the share is known to be an SMB share (`enabled_protocol` unset or "SMB"). */
export function isSmb(share: FileShare): boolean {
  return share.protocol.known && share.protocol.value === "SMB";
}

/** True when the share is known to be an NFS share. */
export function isNfs(share: FileShare): boolean {
  return share.protocol.known && share.protocol.value === "NFS";
}

/** `declared: sdz-role=... on x` or `inferred: ...`. */
export function describeClaim(c: StorageRoleClaim | RoleClaim): string {
  return `${c.source}: ${c.evidence}`;
}

/** The first claims, for a message. */
export function describeClaims(claims: readonly StorageRoleClaim[], max = 2): string {
  const shown = claims.slice(0, max).map(describeClaim).join("; ");
  return claims.length > max ? `${shown}; and ${claims.length - max} more` : shown;
}

/** `state migration store` / `deployment content store`. */
export function roleWords(role: StorageRole): string {
  return `${roleNoun(role)} store`;
}

/** `state migration` / `deployment content`, before `share` or `account`. */
export function roleNoun(role: StorageRole): string {
  return role === DeploymentRole.STATE_MIGRATION_STORE ? "state migration" : "deployment content";
}

/** `"usmt" (azurerm_storage_share.x)` or the address when the name is not known. */
export function shareLabel(s: FileShare): string {
  return s.name.known ? `"${s.name.value}" (${s.resource.address})` : s.resource.address;
}

function describeRoleClaim(c: RoleClaim): string {
  return `${c.source}: ${c.evidence}`;
}

function addClaim(list: StorageRoleClaim[], c: StorageRoleClaim): void {
  if (list.some((x) => x.role === c.role && x.evidence === c.evidence)) return;
  // Declared claims first: findings quote the strongest evidence.
  const i = c.source === "declared" ? list.findIndex((x) => x.source !== "declared") : -1;
  if (i >= 0) list.splice(i, 0, c);
  else list.push(c);
}

/** The storage roles a tag (or share metadata) declares, or why it cannot be read. */
function readRoles(spec: TagSpec<DeploymentRole[]>, block: ReturnType<TerraformModel["tagBlock"]>, res: TfResource, attribute = "tags"): { claims: StorageRoleClaim[]; unknown?: string } {
  const r = spec.read(block);
  if (r.state === "known") {
    const roles = r.value.filter((x): x is StorageRole => STORAGE_ROLES.includes(x));
    return { claims: roles.map((role) => ({ role, source: "declared" as const, evidence: `${spec.key}=${r.value.join(",")} on ${res.address}` })) };
  }
  if (r.state === "absent") return { claims: [] };
  return { claims: [], unknown: `${res.address} ${attribute}: ${r.reason}` };
}

/** A VM's tag, or its NICs' (the constructs write settings on both). */
function readFrom(model: TerraformModel, spec: TagSpec<string>, vm: Vm): { state: "known"; value: string; carrier: TfResource } | { state: "other" } {
  for (const carrier of [vm.resource, ...vm.nics.map((n) => n.resource)]) {
    const r = spec.read(model.tagBlock(carrier));
    if (r.state === "known") return { state: "known", value: r.value, carrier };
  }
  return { state: "other" };
}

function subnetsOf(vm: Vm): Subnet[] {
  return vm.nics.flatMap((n) => n.ipConfigs.map((c) => c.subnet)).filter((s): s is Subnet => !!s);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
