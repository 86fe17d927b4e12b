import { AccountView, describeAccount, levelFor, nestedBlock, StorageIndex } from "./storage-index";
import { Resolved, TerraformModel } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";

const SEED_001_CHANNEL = "Seed 001: \"secure the network channel between the client and the state migration point by using SMB signing or IPsec ... If you don't secure the network channel, an attacker can read and modify this data.\"";
const SMB_TYPES = ["azurerm_storage_account", "azurerm_storage_share"];

/** The `share_properties.smb` block of an account, or unknown. */
function smbBlock(ctx: RuleContext, account: AccountView): Resolved<Record<string, any> | undefined> {
  const sp = nestedBlock(ctx.model, account.resource.config, "share_properties");
  if (!sp.known) return sp;
  return nestedBlock(ctx.model, sp.value, "smb");
}

/** Resolves one list field of the smb block; unset => `undefined`. */
function smbList(model: TerraformModel, smb: Record<string, any> | undefined, field: string): Resolved<string[] | undefined> {
  const v = smb?.[field];
  if (v === undefined || v === null) return { known: true, value: undefined };
  const r = model.resolveStringList(v);
  if (!r.known) return r;
  return { known: true, value: r.value.map((x) => x.trim()) };
}

/**
 * Runs `judge` on one field of the smb block of every SMB-serving account, handling unknowns.
 * `judge` returns a violation message, or undefined when compliant.
 */
type Judge = (values: string[] | undefined, account: AccountView) => { message: string; level?: RuleLevel } | undefined;

function checkSmbField(ctx: RuleContext, field: string, judge: Judge): void {
  for (const account of StorageIndex.of(ctx.model).smbAccounts) {
    const smb = smbBlock(ctx, account);
    if (!smb.known) {
      ctx.unverified(account.resource, `share_properties.smb of the ${describeAccount(account)} is not known before apply (${smb.reason})`);
      continue;
    }
    const values = smbList(ctx.model, smb.value, field);
    if (!values.known) {
      ctx.unverified(account.resource, `share_properties.smb.${field} of the ${describeAccount(account)} is not known before apply (${values.reason})`);
      continue;
    }
    const v = judge(values.value, account);
    if (v) ctx.report(account.resource, v.message, { level: v.level ?? levelFor(account) });
  }
}

export const smbLegacyVersions = defineRule({
  id: "SDZ-MIG-001",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "SMB versions unset or allowing SMB 2.1/3.0 on a file share account",
  rationale:
    `${SEED_001_CHANNEL} SMB 2.1 has no encryption and SMB 3.0 only AES-CCM without pre-authentication integrity; leaving share_properties.smb.versions unset accepts both. Error where the account holds state migration data, warning otherwise.`,
  fix: "Set share_properties.smb.versions = [\"SMB3.1.1\"] on the storage account (StateMigrationShare does).",
  requirements: ["R-MIG-1", "R-NET-1"],
  resourceTypes: SMB_TYPES,
  check(ctx) {
    checkSmbField(ctx, "versions", (versions, account) => {
      if (!versions || versions.length === 0) return { message: `the ${describeAccount(account)} leaves share_properties.smb.versions unset, so SMB 2.1 and 3.0 are accepted` };
      const legacy = versions.filter((v) => v === "SMB2.1" || v === "SMB3.0");
      if (legacy.length > 0) return { message: `the ${describeAccount(account)} accepts ${legacy.join(", ")} (share_properties.smb.versions = ${versions.join(", ")})` };
      return undefined;
    });
  },
});

export const smbInsecureTransport = defineRule({
  id: "SDZ-MIG-002",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "Secure transfer off or TLS below 1.2 on a file share account",
  rationale:
    `${SEED_001_CHANNEL} With secure transfer off, Azure Files accepts unencrypted SMB sessions and plain HTTP on its REST endpoint; TLS below 1.2 is broken. Error where the account holds state migration data, warning otherwise.`,
  fix: "Set https_traffic_only_enabled = true (the default) and min_tls_version = \"TLS1_2\".",
  requirements: ["R-MIG-1", "R-MIG-5", "R-NET-1"],
  resourceTypes: ["azurerm_storage_account"],
  check(ctx) {
    for (const account of StorageIndex.of(ctx.model).smbAccounts) {
      const cfg = account.resource.config;
      const https = ctx.model.resolveBoolean(cfg.https_traffic_only_enabled);
      if (!https.known) ctx.unverified(account.resource, `https_traffic_only_enabled is not known before apply (${https.reason})`);
      else if (https.value === false) {
        ctx.report(account.resource, `the ${describeAccount(account)} has secure transfer off (https_traffic_only_enabled = false): unencrypted SMB is accepted`, { level: levelFor(account) });
      }
      if (cfg.min_tls_version === undefined || cfg.min_tls_version === null) continue; // azurerm 4 defaults to TLS1_2
      const tls = ctx.model.resolveString(cfg.min_tls_version);
      if (!tls.known) ctx.unverified(account.resource, `min_tls_version is not known before apply (${tls.reason})`);
      else if (tls.value !== "TLS1_2" && tls.value !== "TLS1_3") {
        ctx.report(account.resource, `the ${describeAccount(account)} accepts ${tls.value} (min_tls_version)`, { level: levelFor(account) });
      }
    }
  },
});

export const smbWeakChannelEncryption = defineRule({
  id: "SDZ-MIG-003",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "SMB channel encryption unset or CCM-only on a file share account",
  rationale:
    `${SEED_001_CHANNEL} Azure Files has no SMB-signing switch: the integrity of state data in transit comes from SMB 3.x encryption. Unset channel_encryption_type accepts AES-128-CCM; AES-GCM (AEAD) is what gives signing-grade integrity at full speed. Error where the account holds state migration data, warning otherwise; CCM alongside GCM is a warning.`,
  fix: "Set share_properties.smb.channel_encryption_type = [\"AES-256-GCM\"] (add \"AES-128-GCM\" only for older clients).",
  requirements: ["R-MIG-1", "R-MIG-5", "R-NET-1"],
  resourceTypes: SMB_TYPES,
  check(ctx) {
    checkSmbField(ctx, "channel_encryption_type", (ciphers, account) => {
      if (!ciphers || ciphers.length === 0) {
        return { message: `the ${describeAccount(account)} leaves share_properties.smb.channel_encryption_type unset, so AES-128-CCM is accepted` };
      }
      const gcm = ciphers.filter((c) => c.endsWith("-GCM"));
      if (gcm.length === 0) return { message: `the ${describeAccount(account)} accepts only ${ciphers.join(", ")}: no AES-GCM channel encryption` };
      const ccm = ciphers.filter((c) => c.endsWith("-CCM"));
      if (ccm.length > 0) return { message: `the ${describeAccount(account)} still accepts ${ccm.join(", ")} next to ${gcm.join(", ")}`, level: RuleLevel.WARNING };
      return undefined;
    });
  },
});

export const smbWeakAuthentication = defineRule({
  id: "SDZ-MIG-004",
  level: RuleLevel.ERROR,
  area: "migration",
  title: "NTLMv2 or RC4 Kerberos tickets allowed on a file share account",
  rationale:
    `${SEED_001_CHANNEL} Seed 001 also warns that clients sharing one identity can tamper with each other's state data. NTLMv2 is open to relay and offline cracking and bypasses identity-based access; RC4-HMAC tickets are crackable (Kerberoasting). Unset lists allow both. Error where the account holds state migration data, warning otherwise.`,
  fix: "Set share_properties.smb.authentication_types = [\"Kerberos\"] and kerberos_ticket_encryption_type = [\"AES-256\"], with azure_files_authentication (AD DS or Entra Kerberos).",
  requirements: ["R-MIG-1", "R-NET-1"],
  resourceTypes: SMB_TYPES,
  check(ctx) {
    checkSmbField(ctx, "authentication_types", (types, account) => {
      if (!types || types.length === 0) return { message: `the ${describeAccount(account)} leaves share_properties.smb.authentication_types unset, so NTLMv2 is accepted` };
      if (types.includes("NTLMv2")) return { message: `the ${describeAccount(account)} accepts NTLMv2 (authentication_types = ${types.join(", ")})` };
      return undefined;
    });
    checkSmbField(ctx, "kerberos_ticket_encryption_type", (types, account) => {
      if (!types || types.length === 0) return { message: `the ${describeAccount(account)} leaves share_properties.smb.kerberos_ticket_encryption_type unset, so RC4-HMAC tickets are accepted` };
      if (types.includes("RC4-HMAC")) return { message: `the ${describeAccount(account)} accepts RC4-HMAC Kerberos tickets` };
      return undefined;
    });
  },
});

/** The note every state-migration or deployment-content share on Azure Files gets in the report. */
export const AZURE_FILES_SIGNING_NOTE =
  "Azure Files has no SMB-signing switch; its enforced SMB 3.x encryption (AEAD: AES-GCM) authenticates every message and so provides signing-grade integrity for this share, provided SDZ-MIG-001/003 pass (SMB 3.1.1 only, AES-GCM only)";

export const azureFilesSigningNote = defineRule({
  id: "SDZ-MIG-010",
  level: RuleLevel.INFO,
  area: "migration",
  title: "Azure Files: SMB encryption stands in for SMB signing",
  rationale:
    `${SEED_001_CHANNEL} Seeds 001 and 002 ask for SMB signing (or IPsec) on state migration and deployment content locations. Azure Files offers no signing setting; AEAD encryption (AES-GCM) authenticates every SMB message, which is the integrity signing would give, plus confidentiality.`,
  fix: "No action: keep SMB 3.1.1 only and AES-GCM channel encryption so the note holds.",
  requirements: ["R-MIG-1", "R-NET-1", "R-OOB-6"],
  resourceTypes: ["azurerm_storage_share"],
  suppressible: false,
  check(ctx) {
    for (const share of StorageIndex.of(ctx.model).shares) {
      const content = share.stateMigration || share.roles.includes("deployment-content") || !!share.account?.deploymentContent;
      if (!content) continue;
      const name = share.name.known ? `share "${share.name.value}"` : "this share";
      ctx.report(share.resource, `${name}: ${AZURE_FILES_SIGNING_NOTE}`);
    }
  },
});
