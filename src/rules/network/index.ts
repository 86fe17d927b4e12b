import { managementPortsFromInternet } from "./management-ports";
import { Rule } from "../../engine/rule";

/** Rules of the network pack: apply to every NSG, subnet and rule in the configuration. */
export const NETWORK_RULES: Rule[] = [managementPortsFromInternet];
