import { definePack } from "../../engine/rule";

/** The cross-cutting security pack (SDZ-SEC-*): monitoring, literal secrets, patching (R-SEC-8, R-SEC-9, R-SEC-10). */
export const SEC_PACK = definePack("SDZ-SEC", "security", []);
