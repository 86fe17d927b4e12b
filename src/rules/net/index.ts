import { icmpDeniedWholesale } from "./icmp-denied-wholesale";
import { managementPortsFromInternet } from "./management-port-open-to-internet";
import { snmpFromBroadSources } from "./snmp-from-broad-sources";
import { subnetWithoutNsg } from "./subnet-without-nsg";
import { vnetInboundNotOverridden } from "./vnet-inbound-not-overridden";
import { wakeOnLanAllowed } from "./wake-on-lan-allowed";
import { definePack } from "../../engine/rule";

/** The network pack (SDZ-NET-*): applies to every NSG, subnet and host of the configuration. */
export const NET_PACK = definePack("SDZ-NET", "network", [
  managementPortsFromInternet,
  subnetWithoutNsg,
  vnetInboundNotOverridden,
  icmpDeniedWholesale,
  snmpFromBroadSources,
  wakeOnLanAllowed,
]);
