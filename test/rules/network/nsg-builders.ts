import { NetworkSecurityGroup } from "@cdktf/provider-azurerm/lib/network-security-group";
import { NetworkSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-rule";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { Construct } from "constructs";

/** One NSG rule as a user would write it. */
export interface RuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly access: "Allow" | "Deny" | string;
  readonly protocol: string;
  readonly direction?: string;
  /** Source: one prefix or a list. */
  readonly src?: string | string[];
  readonly dst?: string | string[];
  readonly ports?: string | string[];
}

export type RuleStyle = "inline" | "standalone";
export const STYLES: RuleStyle[] = ["inline", "standalone"];

function fields(r: RuleSpec) {
  const src = r.src ?? "*";
  const dst = r.dst ?? "*";
  const ports = r.ports ?? "*";
  return {
    name: r.name,
    priority: r.priority,
    direction: r.direction ?? "Inbound",
    access: r.access,
    protocol: r.protocol,
    sourcePortRange: "*",
    ...(Array.isArray(ports) ? { destinationPortRanges: ports } : { destinationPortRange: ports }),
    ...(Array.isArray(src) ? { sourceAddressPrefixes: src } : { sourceAddressPrefix: src }),
    ...(Array.isArray(dst) ? { destinationAddressPrefixes: dst } : { destinationAddressPrefix: dst }),
  };
}

/**
 * A raw azurerm NSG holding `rules`, written inline (`security_rule` blocks) or as standalone
 * `azurerm_network_security_rule` resources named after each rule.
 */
export function rawNsg(scope: Construct, style: RuleStyle, rules: RuleSpec[], opts: { id?: string; tags?: Record<string, string> } = {}): NetworkSecurityGroup {
  const id = opts.id ?? "nsg";
  const nsg = new NetworkSecurityGroup(scope, id, {
    name: `${id}-name`,
    location: "westeurope",
    resourceGroupName: "rg",
    tags: opts.tags,
    securityRule: style === "inline" ? rules.map(fields) : undefined,
  });
  if (style === "standalone") {
    for (const r of rules) {
      new NetworkSecurityRule(scope, r.name, { ...fields(r), resourceGroupName: "rg", networkSecurityGroupName: nsg.name });
    }
  }
  return nsg;
}

/** A raw subnet, optionally associated with an NSG. */
export function rawSubnet(scope: Construct, id: string, prefix: string, nsg?: NetworkSecurityGroup, name = id): Subnet {
  const subnet = new Subnet(scope, id, { name, resourceGroupName: "rg", virtualNetworkName: "vnet", addressPrefixes: [prefix] });
  if (nsg) new SubnetNetworkSecurityGroupAssociation(scope, `${id}-assoc`, { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  return subnet;
}

/** The address a finding of a rule named `name` is reported on, per style. */
export function addressOf(style: RuleStyle, ruleName: string, nsgId = "nsg"): string {
  return style === "inline" ? `azurerm_network_security_group.${nsgId}` : `azurerm_network_security_rule.${ruleName}`;
}
