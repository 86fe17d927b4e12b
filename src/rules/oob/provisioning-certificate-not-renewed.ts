import { certificateExample } from "./certificate-examples";
import { nestedBlock, nestedBlocks, provisioningCertificates, ProvisioningCertificate } from "./certificates";
import { SEED } from "./common";
import { TerraformModel } from "../../engine/model";
import { defineRule, RuleContext, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

/** Configuration Manager warns (status 7210) at 40 days before expiry and errors (7211) under 15. */
const WARN_DAYS = 40;
const ERROR_DAYS = 15;
const DAYS_PER_MONTH = 365 / 12;

export const provisioningCertificateNotRenewed = defineRule({
  id: "SDZ-OOB-004",
  level: RuleLevel.WARNING,
  title: "AMT provisioning certificate not renewed 40 days before expiry",
  rationale:
    `${SEED}: an expired AMT provisioning certificate makes provisioning fail; request a new one before it expires. Configuration Manager warns (status 7210) at `
    + "40 days or less before expiry and errors (7211) under 15 days (R-OOB-5). Key Vault renews a certificate by itself only when it issues it (Self, or a partner "
    + "CA): then the policy needs an AutoRenew lifetime action 40 or more days before expiry. A certificate signed outside Key Vault (issuer Unknown: a CSR your "
    + "internal CA signs) cannot be renewed by Key Vault (learn.microsoft.com/azure/key-vault/certificates/about-certificates: non-partnered authorities do not "
    + "support automatic renewal); for it an EmailContacts lifetime action 40 or more days before expiry is the reminder to request the new one. Under 15 days "
    + "is an error. The provisioning certificate is the one tagged sdz-oob-provisioning-certificate=true or whose policy carries Intel's AMT provisioning "
    + "extended key usage; a certificate whose policy cannot be read is could-not-verify, and so is one with a lifetime action or issuer not known before apply "
    + "(a variable, a dynamic block) unless a known lifetime action already renews it in time.",
  fix: "Give the certificate policy a lifetime_action 40 or more days before expiry (OutOfBandServicePoint uses 60): action_type AutoRenew for Self or partner-CA "
    + "issuers, EmailContacts (with certificate contacts) for a CSR signed by your internal CA.",
  requirements: ["R-OOB-5"],
  resourceTypes: ["azurerm_key_vault_certificate"],
  reads: ["azurerm_key_vault_certificate policies (issuer, lifetime actions, validity) of the AMT provisioning certificate (tagged, or by its extended key usage)"],
  check(ctx) {
    const index = provisioningCertificates(ctx.model);
    for (const u of index.undecided) {
      ctx.unverified(u.resource, `whether ${u.resource.address} is the AMT provisioning certificate is not known (${u.reason}), so its renewal, issuer, key export and readers are not checked`);
    }
    for (const cert of index.certificates) checkRenewal(ctx, cert);
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A provisioning certificate (by its extended key usage) whose policy renews it only 30 days before expiry",
      terraform: certificateExample({ renewDays: 30 }),
      flagged: ["azurerm_key_vault_certificate.amt"],
    }],
    good: [{
      description: "Renewed automatically 60 days before expiry",
      terraform: certificateExample({ renewDays: 60 }),
    }],
  })),
});

function checkRenewal(ctx: RuleContext, cert: ProvisioningCertificate): void {
  const m = ctx.model;
  const where = `the AMT provisioning certificate ${cert.resource.address} (${cert.evidence})`;
  if (cert.issuer.kind === "unknown") {
    ctx.unverified(cert.resource, `${where}: who issues it is not known (${cert.issuer.reason}), so how it is renewed cannot be checked`);
    return;
  }
  if (!cert.policy) {
    ctx.report(cert.resource, `${where} is imported without a certificate policy: nothing renews it or reminds anyone before it expires`);
    return;
  }
  const manual = cert.issuer.kind === "csr";
  const wanted = manual ? "emailcontacts" : "autorenew";
  const actions = nestedBlocks(m, cert.policy, "lifetime_action");
  if (!actions.known) {
    ctx.unverified(cert.resource, `${where}: ${actions.reason}`);
    return;
  }
  let best: number | undefined;
  // Lifetime actions a dynamic block adds at plan time may be the ones that renew it in time.
  let unknownReason: string | undefined = actions.hidden;
  for (const la of actions.value) {
    const action = nestedBlock(m, la, "action");
    const trigger = nestedBlock(m, la, "trigger");
    if (!action.known || !trigger.known) {
      unknownReason ??= `lifetime_action.${!action.known ? action.reason : (trigger as { reason: string }).reason}`;
      continue;
    }
    const type = m.resolveString(action.value?.action_type);
    if (!type.known) {
      unknownReason ??= `lifetime_action.action.action_type: ${type.reason}`;
      continue;
    }
    if (type.value.toLowerCase() !== wanted) continue;
    const d = daysBefore(m, trigger.value, cert.policy);
    if (typeof d === "string") unknownReason ??= d;
    else if (d !== undefined && (best === undefined || d > best)) best = d;
  }
  const how = manual
    ? "it is signed outside Key Vault (issuer Unknown), which cannot renew it: an EmailContacts lifetime action must remind you to request a new one"
    : "an AutoRenew lifetime action";
  if (best !== undefined && best >= WARN_DAYS) return;
  // A lifetime action not known (or not in the configuration) may renew it in time: say so rather than claim it is missing or late.
  if (unknownReason) {
    ctx.unverified(cert.resource, `${where}: ${unknownReason}${best !== undefined ? ` (the known ${manual ? "reminder" : "renewal"} is only ${best} days before expiry)` : ""}`);
    return;
  }
  if (best === undefined) {
    ctx.report(cert.resource, `${where} has no ${manual ? "EmailContacts" : "AutoRenew"} lifetime action (${how}): it must be renewed by hand before ${WARN_DAYS} days remain`);
    return;
  }
  if (best < ERROR_DAYS) {
    ctx.report(cert.resource, `${where} is ${manual ? "due for renewal (reminder)" : "renewed"} only ${best} days before expiry: Configuration Manager already fails provisioning under ${ERROR_DAYS} days (status 7211)`, { level: RuleLevel.ERROR });
  } else if (best < WARN_DAYS) {
    ctx.report(cert.resource, `${where} is ${manual ? "due for renewal (reminder)" : "renewed"} only ${best} days before expiry: renew ${WARN_DAYS} or more days before (Configuration Manager warns at ${WARN_DAYS}, status 7210)`);
  }
}

/** Days before expiry of a trigger: its days_before_expiry, or its lifetime_percentage turned into days with the validity; a string says why not known. */
function daysBefore(m: TerraformModel, trigger: Record<string, any> | undefined, policy: Record<string, any>): number | string | undefined {
  const days = m.resolveNumber(trigger?.days_before_expiry);
  if (!days.known) return `days_before_expiry: ${days.reason}`;
  if (days.value !== undefined) return days.value;
  const pct = m.resolveNumber(trigger?.lifetime_percentage);
  if (!pct.known) return `lifetime_percentage: ${pct.reason}`;
  if (pct.value === undefined) return undefined;
  const x509 = nestedBlock(m, policy, "x509_certificate_properties");
  const months = x509.known ? m.resolveNumber(x509.value?.validity_in_months) : x509;
  if (!months.known || months.value === undefined) {
    return `validity_in_months is needed to turn lifetime_percentage into days (${months.known ? "not set" : months.reason})`;
  }
  return Math.floor(months.value * DAYS_PER_MONTH * (1 - pct.value / 100));
}
