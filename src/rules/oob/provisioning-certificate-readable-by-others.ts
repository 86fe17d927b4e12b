import { certificateExample } from "./certificate-examples";
import { nestedBlock, provisioningCertificates } from "./certificates";
import { SEED } from "./common";
import { AmtServicePoints } from "../../engine/amt-service-points";
import { defineRule, RuleLevel } from "../../engine/rule";
import { KeyAccess, Principal, VaultReaders } from "../../engine/vault-readers";
import { lazyExamples } from "../lazy-examples";

export const provisioningCertificateReadableByOthers = defineRule({
  id: "SDZ-OOB-012",
  level: RuleLevel.ERROR,
  title: "AMT provisioning certificate's private key readable by others than the service point",
  rationale:
    `${SEED}: use a dedicated certificate template that only the provisioning site servers may read and enroll for, and keep the provisioning certificate in a `
    + "store with restricted access (R-OOB-8): whoever holds its private key can act as your provisioning server. The rule reads who may read the certificate "
    + "with its private key (secret Get, for an exportable key) or use the key in the vault (key Sign, Decrypt, UnwrapKey): the vault's access policies (inline "
    + "and azurerm_key_vault_access_policy) and the role assignments whose scope holds the vault or the certificate (built-in Key Vault data roles by name; "
    + "a scope naming one item of the vault by its path, <vault ID>/secrets/<name>, holds the certificate only when the name is the certificate's, as its key "
    + "and secret carry it), "
    + "each according to the vault's permission model (Azure honours access policies or RBAC, not both). A principal that is the out-of-band service point's "
    + "identity (its system-assigned identity, or a user-assigned identity held only by service points) passes; another VM, an identity also held by another "
    + "resource, or the identity running Terraform is a finding. A resource holds a user-assigned identity when any field of its configuration names the "
    + "identity's ID or client ID, by reference or literal resource ID, whatever the field is called (identity_ids, a Kubernetes cluster's kubelet_identity, "
    + "a customer-managed key's user_assigned_identity_id, a web app's key_vault_reference_identity_id, a container app registry's identity, a federated identity "
    + "credential on it); fields that grant to the identity or act on it (principal_id, object_id, a role assignment's scope) and its name, location or tenant "
    + "do not hold it, and a VM's extension acts with the VM's identities. A field that may attach an identity (one named for an identity, or within such a block) "
    + "not known before apply on any resource other than a service point leaves a service point's user-assigned identity could-not-verify, as do a principal this configuration "
    + "cannot name (a literal object ID, a variable, a group), a role given by ID, inline access policies Terraform only expands at plan time (a dynamic "
    + "access_policy block), and a scope or permission not known before apply. Certificate-only permissions (Get returns the public certificate) are not "
    + "reads of the private key, nor is secret Get on a non-exportable key (could-not-verify when exportable is not known); indirect paths (roles that can grant roles, management-plane Contributor on an access-policy vault, a role on the identity such as Managed Identity Operator, which lets its principal attach it) are not followed.",
  fix: "Grant read access on the vault (Key Vault Secrets User or Key Vault Certificate User, or an access policy with secret Get) to the service point's identity only; "
    + "give the identity that runs Terraform certificate-management permissions without secret Get, or remove its grant after the certificate is created.",
  requirements: ["R-OOB-8"],
  resourceTypes: ["azurerm_key_vault", "azurerm_key_vault_access_policy", "azurerm_role_assignment"],
  reads: [
    "access policies and role assignments of the vault holding the AMT provisioning certificate, the vault's permission model, the identities of VMs",
    "every field of every resource that names a user-assigned identity's ID or client ID (the resources holding it)",
  ],
  check(ctx) {
    const m = ctx.model;
    const sps = AmtServicePoints.of(m);
    const spVms = new Set(sps.points.map((p) => p.vm.resource));
    for (const cert of provisioningCertificates(m).certificates) {
      if (!cert.vault) continue; // SDZ-OOB-005 reports a vault outside this configuration
      // A non-exportable key is not part of the secret: secret readers then get the public certificate only.
      const keyProps = cert.policyUnknown ? { known: false as const, reason: cert.policyUnknown } : cert.policy ? nestedBlock(m, cert.policy, "key_properties") : undefined;
      const exportable = keyProps?.known ? m.resolveBoolean(keyProps.value?.exportable) : keyProps;
      const secretGivesKey = !(exportable?.known && exportable.value === false);
      const exportUnknown = exportable && !exportable.known ? `whether the key is exportable, and so part of the secret, is not known (${exportable.reason})` : undefined;
      for (const g of VaultReaders.of(m).grantsOn(cert.vault)) {
        if (g.item && g.item !== cert.resource) continue;
        // A grant on another item by its path: the certificate's key and secret carry the certificate's
        // name (learn.microsoft.com/azure/key-vault/certificates/about-certificates, "Composition of a certificate").
        if (g.itemName !== undefined) {
          const certName = m.resolveString(cert.resource.config.name);
          if (certName.known && certName.value.toLowerCase() !== g.itemName.toLowerCase()) continue;
        }
        if (g.effective === false) continue;
        const sp = isServicePoint(g.principal, spVms);
        if (sp === true) continue;
        const reaches = g.access?.filter((a) => a === "use" || secretGivesKey);
        if (reaches && reaches.length === 0) continue;
        const who = describePrincipal(g.principal);
        const verb = reaches ? describeAccess(reaches) : "read or use the private key";
        const head = `${g.label} on ${cert.vault.address} lets ${who} ${verb} of the AMT provisioning certificate ${cert.resource.address}`;
        const unknown = g.principal.kind === "identity" && sp === undefined ? unknownHolders(g.principal, spVms) : [];
        const holders = unknown.length && g.principal.kind === "identity"
          ? `other holders of ${g.principal.identity.address} may exist (${unknown[0].reason}${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ""})` : undefined;
        // Reading the secret gives the private key only if it is exportable: a grant that only reads is not known to reach it.
        const readOnly = reaches && reaches.length > 0 && !reaches.includes("use") ? exportUnknown : undefined;
        const doubts = [g.accessUnknown, g.scopeUnknown, readOnly, g.effective === undefined ? g.effectiveUnknown : undefined, holders ?? (sp === undefined ? `${who} cannot be told apart from the out-of-band service point's identity` : undefined)].filter((d): d is string => !!d);
        if (doubts.length === 0) ctx.report(g.resource, `${head}: only the out-of-band service point may read it`);
        else ctx.unverified(g.resource, `${head.replace(" lets ", " may let ")} (${doubts.join("; ")})`);
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The identity running Terraform may read the certificate's secret (and so its exportable private key)",
      terraform: certificateExample({ roleAssignments: { deployer: { principal: "${data.azurerm_client_config.current.object_id}", role: "Key Vault Secrets Officer" } } }),
      flagged: ["azurerm_role_assignment.deployer"],
    }],
    good: [{ description: "Only the service point's system-assigned identity reads it", terraform: certificateExample({}) }],
  })),
});

/** True for the service point's identity, false for a known other principal, undefined when not known. */
function isServicePoint(p: Principal, spVms: Set<unknown>): boolean | undefined {
  switch (p.kind) {
    case "vm": return spVms.has(p.vm);
    case "identity":
      // Any other holder (a VM, a function app, a cluster's kubelets, a federated credential) acts as the identity too.
      if (p.others.length > 0 || !p.vms.every((vm) => spVms.has(vm.resource))) return false;
      if (unknownHolders(p, spVms).length) return undefined;
      return p.vms.length > 0;
    case "deployer": return false;
    default: return undefined;
  }
}

/** Fields that may attach an identity not known before apply, except on a service point (whatever it attaches there is the service point's). */
function unknownHolders(p: Extract<Principal, { kind: "identity" }>, spVms: Set<unknown>) {
  return p.holdersUnknown.filter((u) => !spVms.has(u.resource));
}

function describePrincipal(p: Principal): string {
  switch (p.kind) {
    case "vm": return `the system-assigned identity of ${p.vm.address}`;
    case "identity": {
      // A VM attaches it through identity_ids; any other field that names it is said.
      const vms = p.vms.length ? `attached to ${p.vms.map((v) => (v.how === "identity.identity_ids" ? v.resource.address : `${v.resource.address} (${v.how})`)).join(", ")}` : "attached to no VM of this configuration";
      const others = p.others.map((o) => `${o.resource.address} (${o.how})`).join(", ");
      return `${p.identity.address} (${vms}${others ? `; also held by ${others}` : ""})`;
    }
    default: return p.text;
  }
}

function describeAccess(a: readonly KeyAccess[]): string {
  return a.map((x) => (x === "read" ? "read the private key" : "use the private key")).join(" and ");
}
