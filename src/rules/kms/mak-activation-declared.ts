import { EXAMPLE_DENY_ALL, exampleKmsSite, exampleRule, exampleZone } from "./example-sites";
import { KMS_TAG, KmsTags } from "../../contract/kms-tags";
import { ZoneTags } from "../../contract/zone-tags";
import { defineRule, RuleLevel } from "../../engine/rule";
import { lazyExamples } from "../lazy-examples";

export const makActivationDeclared = defineRule({
  id: "SDZ-KMS-007",
  level: RuleLevel.INFO,
  title: "Zone activates with MAK instead of KMS",
  rationale:
    "Seed 003: 'The MAK method should be used for w2k8 machines in firewalled zones' and 'Use proxy MAK activation for less secure/internet facing dmz.' "
    + `A zone that declares MAK (${KmsTags.ACTIVATION}=mak on its NSG, or on the local network gateway of an on-premises zone) is listed, with its trust `
    + "(declared or inferred), so the report shows how its servers activate. SDZ-KMS-003 names such a zone if a KMS allowlist still holds it. A MAK "
    + "declaration whose value cannot be read (not known before apply, or not an allowed value) is could-not-verify.",
  fix: "Nothing to fix: activate the zone's servers with a MAK (slmgr /ipk <MAK>, or VAMT proxy activation). Keep the zone out of every KMS allowlist.",
  requirements: ["R-KMS-3"],
  resourceTypes: ["azurerm_network_security_group", "azurerm_local_network_gateway"],
  reads: [`${KmsTags.ACTIVATION} and ${KmsTags.ACTIVATION_JUSTIFICATION} on the NSG of each zone and on local network gateways`, "zone trust (declared or inferred)"],
  check(ctx) {
    const seen = new Set<string>();
    for (const zone of ctx.zones.zones) {
      const carrier = zone.kind === "subnet" ? zone.nsg?.resource : zone.resource;
      // One note per NSG, however many subnets share it.
      if (!carrier || seen.has(carrier.address)) continue;
      seen.add(carrier.address);
      const block = ctx.model.tagBlock(carrier);
      // A tags block that is not known at all says nothing about activation; a tag whose value cannot be read does.
      if (!block.known) continue;
      const r = KMS_TAG.activation.read(block);
      if (r.state === "absent") continue;
      if (r.state !== "known") {
        ctx.unverified(carrier, `zone ${zone.name} carries ${KmsTags.ACTIVATION}, but ${r.reason}`);
        continue;
      }
      const trust = ctx.zones.trustOf(zone);
      const why = KMS_TAG.activationJustification.read(block);
      const level = trust.level ? `${trust.level}${trust.source === "inferred" ? ", inferred" : ""}` : "trust not declared";
      ctx.report(carrier, `zone ${zone.name} (${level}) activates with MAK, not KMS${why.state === "known" ? `: ${why.value}` : ""}`);
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "The DMZ declares MAK activation (an informational note, not a violation)",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL], {
        extra: [exampleZone("dmz", "10.0.50.0/24", [EXAMPLE_DENY_ALL], { [ZoneTags.TRUST]: "PERIMETER", [KmsTags.ACTIVATION]: "mak", [KmsTags.ACTIVATION_JUSTIFICATION]: "DMZ servers activate with MAK" })],
      }),
      flagged: ["azurerm_network_security_group.dmz"],
    }],
    good: [{
      description: "No zone declares MAK",
      terraform: exampleKmsSite([exampleRule("allow-kms", 100, "Tcp", "1688", "10.0.1.0/24", "10.0.5.4"), EXAMPLE_DENY_ALL]),
    }],
  })),
});
