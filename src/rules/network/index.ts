import { icmpDeniedWholesale } from "./icmp-wholesale";
import { managementPortsFromInternet } from "./management-ports";
import { snmpFromBroadSources } from "./snmp-broad-source";
import { subnetWithoutNsg } from "./subnet-without-nsg";
import { vnetInboundNotOverridden } from "./vnet-inbound-override";
import { wakeOnLanAllowed } from "./wake-on-lan";
import { Rule } from "../../engine/rule";

/** Rules of the network pack: apply to every NSG, subnet and rule in the configuration. */
export const NETWORK_RULES: Rule[] = [
  managementPortsFromInternet,
  subnetWithoutNsg,
  vnetInboundNotOverridden,
  icmpDeniedWholesale,
  snmpFromBroadSources,
  wakeOnLanAllowed,
];
