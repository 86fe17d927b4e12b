/**
 * The AMT provisioning certificate as Key Vault holds it: found by its tag
 * (`sdz-oob-provisioning-certificate`) or by what the configuration shows (Intel's AMT provisioning
 * extended key usage in its policy), with its policy blocks, its issuer and its vault.
 */
import { OOB_TAG } from "../../contract/oob-tags";
import { unreadableBlock } from "../../engine/access/fields";
import { Resolved, TerraformModel, TfResource } from "../../engine/model";

/** Intel's "AMT provisioning" extended key usage (the OID Intel AMT looks for in a provisioning certificate). */
export const AMT_PROVISIONING_OID = "2.16.840.1.113741.1.2.3";

/** Key Vault's issuer names with a fixed meaning (learn.microsoft.com/azure/key-vault/certificates/create-certificate). */
export const SELF_ISSUER = "Self";
export const UNKNOWN_ISSUER = "Unknown";

/** Who signs the certificate, as the policy says. */
export type Issuer =
  /** `Self`: a self-signed certificate. */
  | { readonly kind: "self" }
  /** `Unknown`: Key Vault creates a CSR that the user has signed by any CA and merges back. */
  | { readonly kind: "csr" }
  /** A registered issuer: one of Key Vault's third-party providers (DigiCert, GlobalSign, OneCertV2-*, SslAdminV2). */
  | { readonly kind: "third-party"; readonly name: string; readonly provider?: string }
  /** Imported (no policy that creates it): the configuration does not say who signed it. */
  | { readonly kind: "imported" }
  | { readonly kind: "unknown"; readonly reason: string };

/** One AMT provisioning certificate of the configuration. */
export interface ProvisioningCertificate {
  readonly resource: TfResource;
  /** Why it is the provisioning certificate: its tag, or its extended key usage. */
  readonly evidence: string;
  /** The `certificate_policy` block, when the certificate is created by Key Vault. */
  readonly policy?: Record<string, any>;
  /** Why `certificate_policy` cannot be read (then `policy` is undefined, and the certificate is not known to be imported). */
  readonly policyUnknown?: string;
  readonly issuer: Issuer;
  /** The Key Vault holding it, when it is part of this configuration. */
  readonly vault?: TfResource;
}

/** Certificates found, and those that may be the provisioning certificate but cannot be told apart. */
export interface CertificateIndex {
  readonly certificates: readonly ProvisioningCertificate[];
  readonly undecided: readonly { readonly resource: TfResource; readonly reason: string }[];
}

/** The provisioning certificates of a configuration. Memoised per model. */
export function provisioningCertificates(model: TerraformModel): CertificateIndex {
  return model.memo("oob-provisioning-certificates", () => {
    const certificates: ProvisioningCertificate[] = [];
    const undecided: { resource: TfResource; reason: string }[] = [];
    for (const cert of model.ofType("azurerm_key_vault_certificate")) {
      const tag = OOB_TAG.provisioningCertificate.read(model.tagBlock(cert));
      const policy = nestedBlock(model, cert.config, "certificate_policy");
      const x509 = policy.known && policy.value ? nestedBlock(model, policy.value, "x509_certificate_properties") : undefined;
      const ekus = x509?.known && x509.value ? model.resolveStringList(x509.value.extended_key_usage) : undefined;
      let evidence: string | undefined;
      if (tag.state === "known" && tag.value) evidence = `tagged ${OOB_TAG.provisioningCertificate.key}=true`;
      else if (ekus?.known && ekus.value.includes(AMT_PROVISIONING_OID)) evidence = `its extended key usage ${AMT_PROVISIONING_OID} (Intel AMT provisioning)`;
      if (!evidence) {
        const unknownEku = !policy.known ? policy.reason : x509 && !x509.known ? x509.reason : ekus && !ekus.known ? `extended_key_usage: ${ekus.reason}` : undefined;
        if (unknownEku && !(tag.state === "known" && !tag.value)) undecided.push({ resource: cert, reason: unknownEku });
        continue;
      }
      const vaultRef = model.referencedResource(cert.config.key_vault_id);
      certificates.push({
        resource: cert, evidence, policy: policy.known ? policy.value : undefined, policyUnknown: policy.known ? undefined : policy.reason,
        issuer: issuerOf(model, cert, policy), vault: vaultRef?.type === "azurerm_key_vault" ? vaultRef : undefined,
      });
    }
    return { certificates, undecided };
  });
}

function issuerOf(model: TerraformModel, cert: TfResource, policy: Resolved<Record<string, any> | undefined>): Issuer {
  if (!policy.known) return { kind: "unknown", reason: policy.reason };
  if (!policy.value) return { kind: "imported" };
  const params = nestedBlock(model, policy.value, "issuer_parameters");
  if (!params.known) return { kind: "unknown", reason: params.reason };
  const name = model.resolveString(params.value?.name);
  if (!name.known) return { kind: "unknown", reason: `issuer_parameters.name: ${name.reason}` };
  if (name.value.toLowerCase() === SELF_ISSUER.toLowerCase()) return { kind: "self" };
  if (name.value.toLowerCase() === UNKNOWN_ISSUER.toLowerCase()) return { kind: "csr" };
  // A registered issuer of the same vault, when this configuration declares it.
  const vault = model.referencedResource(cert.config.key_vault_id);
  const registered = model.ofType("azurerm_key_vault_certificate_issuer").find((i) => {
    const n = model.resolveString(i.config.name);
    return n.known && n.value.toLowerCase() === name.value.toLowerCase() && (!vault || model.referencedResource(i.config.key_vault_id) === vault);
  });
  const provider = registered ? model.resolveString(registered.config.provider_name) : undefined;
  return { kind: "third-party", name: name.value, provider: provider?.known ? provider.value : undefined };
}

/**
 * The nested block `attribute` of `parent` (undefined when either is absent); unknown, with a reason
 * naming the attribute, when it is an expression not known before apply or a `dynamic` block
 * (Terraform expands those at plan time: what they hold is not in the configuration).
 */
export function nestedBlock(model: TerraformModel, parent: Record<string, any> | undefined, attribute: string): Resolved<Record<string, any> | undefined> {
  if (!parent) return { known: true, value: undefined };
  if (typeof parent[attribute] !== "string") {
    const hidden = unreadableBlock(parent, attribute);
    if (hidden) return { known: false, reason: hidden };
  }
  const r = block(model, parent[attribute]);
  return r.known ? r : { known: false, reason: `${attribute}: ${r.reason}`, expression: r.expression };
}

/**
 * Every nested block `attribute` of `parent` (lifetime_action...); unknown, naming the attribute,
 * when it is an expression not known before apply. `hidden` says why more blocks than these may
 * exist: a `dynamic` block beside them, expanded at plan time.
 */
export function nestedBlocks(model: TerraformModel, parent: Record<string, any>, attribute: string): NestedBlocks {
  const hidden = typeof parent[attribute] === "string" ? undefined : unreadableBlock(parent, attribute);
  const r = blocks(model, parent[attribute]);
  return r.known ? { known: true, value: r.value, hidden } : { known: false, reason: `${attribute}: ${r.reason}` };
}

export type NestedBlocks =
  | { readonly known: true; readonly value: Record<string, any>[]; readonly hidden?: string }
  | { readonly known: false; readonly reason: string };

/** A nested block: an object, the first object of a list, undefined when absent, unknown when an expression. */
function block(model: TerraformModel, value: unknown): Resolved<Record<string, any> | undefined> {
  if (value === undefined || value === null) return { known: true, value: undefined };
  const r = typeof value === "string" ? model.resolve(value) : { known: true as const, value };
  if (!r.known) return r;
  const v = Array.isArray(r.value) ? r.value[0] : r.value;
  if (v === undefined || v === null) return { known: true, value: undefined };
  if (typeof v === "object" && !Array.isArray(v)) return { known: true, value: v as Record<string, any> };
  return { known: false, reason: "not a block" };
}

/** Every nested block of a list attribute (lifetime_action...). */
function blocks(model: TerraformModel, value: unknown): Resolved<Record<string, any>[]> {
  if (value === undefined || value === null) return { known: true, value: [] };
  const r = typeof value === "string" ? model.resolve(value) : { known: true as const, value };
  if (!r.known) return r;
  const list = Array.isArray(r.value) ? r.value : [r.value];
  return { known: true, value: list.filter((v): v is Record<string, any> => typeof v === "object" && v !== null && !Array.isArray(v)) };
}
