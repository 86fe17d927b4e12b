/**
 * The shared harness of rule tests: raw, untagged azurerm resources written as Terraform JSON (what
 * a user hand-writes), the inline / standalone / NIC-level placement matrix for NSG rules, and
 * assertions on the exact set of resources a rule reports.
 */
import { Body, rule, TfJson } from "./tf-json";
import { runRules } from "../../src/engine/engine";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { Rule } from "../../src/engine/rule";
import { ALL_RULES, findRule } from "../../src/rules";

export { rule, TfJson };
export type { Body };

/** Runs rules (by ID, or all) on a configuration. */
export function check(tf: TfJson | { [key: string]: unknown }, rules: (string | Rule)[] = [], options: { failOnUnverified?: boolean } = {}): CheckResult {
  const model = tf instanceof TfJson ? tf.model() : TfJson.fromJson(tf).model();
  const selected = rules.length === 0 ? ALL_RULES : rules.map((r) => (typeof r === "string" ? findRule(r)! : r));
  return runRules(model, selected, options);
}

/** Sorted addresses of the failing findings of one rule. */
export function flagged(result: CheckResult, ruleId: string): string[] {
  return result.findings.filter((f) => f.ruleId === ruleId && f.status === FindingStatus.FAIL).map((f) => f.address).sort();
}

/** Sorted addresses of the "could not verify" findings of one rule. */
export function unverifiedAt(result: CheckResult, ruleId: string): string[] {
  return result.findings.filter((f) => f.ruleId === ruleId && f.status === FindingStatus.UNVERIFIED).map((f) => f.address).sort();
}

/** Messages of one rule's open findings. */
export function messages(result: CheckResult, ruleId: string): string[] {
  return result.findings.filter((f) => f.ruleId === ruleId && f.status !== FindingStatus.SUPPRESSED).map((f) => f.message);
}

/** Where an NSG rule under test lives. */
export type Placement = "inline" | "standalone" | "nic";
export const PLACEMENTS: Placement[] = ["inline", "standalone", "nic"];

/** Options of {@link site}. */
export interface SiteOptions {
  /** Put an explicit inbound deny-all at 4096 on the same NSG (default true). */
  readonly denyAll?: boolean;
  /** Tags on the VM (default none: users' resources carry no sdz-* tags). */
  readonly vmTags?: Record<string, string>;
  /** The VM's NIC address (default 10.0.1.4). */
  readonly ip?: string;
  /** Attach a public IP to the NIC. */
  readonly publicIp?: boolean;
  /** Extra resources or changes. */
  readonly extend?: (tf: TfJson, s: { vnet: string; subnet: string; nic: string; vm: string; nsg: string }) => void;
}

/**
 * A small site: VNet `net` 10.0.0.0/16, subnet `servers` 10.0.1.0/24, VM `app01` (NIC 10.0.1.4),
 * and the given NSG rules placed inline on the subnet's NSG, as standalone rules of that NSG, or
 * inline on an NSG of the NIC (the subnet then has none). `address(name)` is where a finding about
 * rule `name` lands.
 */
/** A site built by {@link site}. */
export interface Site {
  readonly tf: TfJson;
  readonly nsg: string;
  readonly vm: string;
  readonly nic: string;
  address(name: string): string;
}

export function site(placement: Placement, rules: Body[], opts: SiteOptions = {}): Site {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const subnet = tf.subnet("servers", vnet, ["10.0.1.0/24"]);
  const all = [...rules, ...(opts.denyAll === false ? [] : [rule("deny-all-inbound", 4096, "Deny", "*", "*", "*")])];
  const nic = tf.nic("app01_nic", subnet, opts.ip ?? "10.0.1.4", opts.publicIp ? {
    public_ip_address_id: TfJson.ref(tf.add("azurerm_public_ip", "app01_pip", { name: "app01-pip", location: "westeurope", resource_group_name: "rg", allocation_method: "Static", sku: "Standard" })),
  } : {});
  let nsg: string;
  if (placement === "nic") {
    nsg = tf.nsg("app01_nic_nsg", all);
    tf.nicNsg(nic, nsg);
  } else {
    nsg = tf.nsg("servers_nsg", placement === "inline" ? all : []);
    if (placement === "standalone") all.forEach((r) => tf.nsgRule(String(r.name).replace(/[^A-Za-z0-9_]/g, "_"), nsg, r));
    tf.associate(subnet, nsg);
  }
  const vm = tf.windowsVm("app01", [nic], opts.vmTags ? { tags: opts.vmTags } : {});
  opts.extend?.(tf, { vnet, subnet, nic, vm, nsg });
  return {
    tf, nsg, vm, nic,
    address: (name: string) => (placement === "standalone" ? `azurerm_network_security_rule.${name.replace(/[^A-Za-z0-9_]/g, "_")}` : nsg),
  };
}
