/**
 * Two custom rules of a fictional organisation, ACME, written with the library's public API. They
 * run at `cdktf synth` (registered on `SecureDeploymentChecks`) and in the command line
 * (`secure-deployment-zones check cdktf.out --rules rules.js`, once compiled to JavaScript).
 */
import {
  AccessOutcome,
  CustomRule,
  CustomRuleContext,
  CustomRulePack,
  Protocol,
  RuleLevel,
  SourceKind,
  TrustLevel,
  ValueState,
} from "../../src";

/** WinRM over HTTP and HTTPS. */
const WINRM_PORTS = [5985, 5986];

/**
 * ACME-NET-001: WinRM reaches servers only from MANAGEMENT zones. Stricter than the library's
 * SDZ-NET-001 (which forbids the Internet): ACME administers servers from its management zone only
 * (seed 000: deployment infrastructure is reachable only by those who administer it).
 */
export class WinRmFromManagementOnly extends CustomRule {
  constructor() {
    super({
      id: "ACME-NET-001",
      level: RuleLevel.ERROR,
      title: "WinRM reachable from outside the management zones",
      rationale: "ACME administers servers from its MANAGEMENT zones only. The rule asks the effective-access model who reaches WinRM (TCP 5985/5986) on every NIC, "
        + "after the subnet and NIC NSGs with Azure's default rules, and accepts only zones whose trust is MANAGEMENT (declared or inferred).",
      fix: "Allow TCP 5985-5986 only from the management zone's prefixes, and deny the rest of the VNet below Azure's AllowVNetInBound.",
      requirements: ["ACME-SEC-4"],
      resourceTypes: ["azurerm_network_interface", "azurerm_network_security_group", "azurerm_network_security_rule"],
    });
  }

  public check(ctx: CustomRuleContext): void {
    // One finding per deciding rule (the NSG or rule to change), naming every source and host.
    const open = new Map<string, { allowed: Set<string>; doubtful: Set<string>; hosts: Set<string>; decidedBy: string }>();
    for (const nic of ctx.resourcesOfType("azurerm_network_interface")) {
      for (const port of WINRM_PORTS) {
        const answer = ctx.inboundAccess(nic, Protocol.TCP, port);
        if (answer.sources.length === 0 && answer.outcome === AccessOutcome.UNCERTAIN) {
          ctx.couldNotVerify(nic, `who reaches WinRM (TCP ${port}) is not known: ${answer.reasons.join("; ")}`);
          continue;
        }
        for (const s of answer.sources) {
          if (s.kind === SourceKind.PLATFORM) continue;
          const management = s.kind === SourceKind.ZONE && s.trust === TrustLevel.MANAGEMENT;
          if (management && s.outcome === AccessOutcome.ALLOWED) continue;
          let g = open.get(s.decidingResource + "|" + s.decidedBy);
          if (!g) open.set(s.decidingResource + "|" + s.decidedBy, (g = { allowed: new Set(), doubtful: new Set(), hosts: new Set(), decidedBy: s.decidedBy }));
          // An undeclared zone's trust, or an uncertain path, is "could not verify", never a pass.
          const doubtful = s.outcome === AccessOutcome.UNCERTAIN || (s.kind === SourceKind.ZONE && s.trust === undefined);
          (doubtful ? g.doubtful : g.allowed).add(s.description);
          g.hosts.add(s.endpoint);
        }
      }
    }
    for (const [key, g] of open) {
      const resource = ctx.resource(key.split("|")[0])!;
      const hosts = [...g.hosts].join(", ");
      if (g.allowed.size > 0) ctx.report(resource, `${g.decidedBy} lets ${[...g.allowed].join(", ")} reach WinRM on ${hosts}`);
      else ctx.couldNotVerify(resource, `${g.decidedBy} may let ${[...g.doubtful].join(", ")} reach WinRM on ${hosts}`);
    }
  }
}

/** ACME-TAG-001: storage accounts carry a `cost-center` tag (ACME's chargeback and data-owner lookup). */
export class StorageCostCenterTag extends CustomRule {
  constructor() {
    super({
      id: "ACME-TAG-001",
      level: RuleLevel.WARNING,
      title: "Storage account without a cost-center tag",
      rationale: "Every ACME storage account names the cost center that owns its data, so an exposed account can be traced to an owner within the hour.",
      fix: "Add tags = { \"cost-center\" = \"<cost center>\" } to the storage account.",
      resourceTypes: ["azurerm_storage_account"],
    });
  }

  public check(ctx: CustomRuleContext): void {
    for (const account of ctx.resourcesOfType("azurerm_storage_account")) {
      const tag = ctx.tag(account, "cost-center");
      if (tag.state === ValueState.UNKNOWN) ctx.couldNotVerify(account, `the cost-center tag: ${tag.reason}`);
      else if (tag.state === ValueState.ABSENT || String(tag.value).trim() === "") ctx.report(account, "has no cost-center tag");
    }
  }
}

/** ACME's rules, as one pack: their area in the reports is `acme`. */
export const ACME_PACK: CustomRulePack = { name: "acme", rules: [new WinRmFromManagementOnly(), new StorageCostCenterTag()] };

/** What `--rules` reads from the compiled module: `{ packs: [...] }`. */
export const packs: CustomRulePack[] = [ACME_PACK];
