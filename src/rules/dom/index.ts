import { domainServicesToBroadDestination } from "./domain-services";
import { definePack } from "../../engine/rule";

/** The domain-services pack (SDZ-DOM-*): Kerberos, LDAP and DNS flows to domain controllers (seed 004). */
export const DOM_PACK = definePack("SDZ-DOM", "domain", [
  domainServicesToBroadDestination,
]);
