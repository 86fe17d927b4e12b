import { rpcHostNotPatchedAutomatically } from "./kms-or-dc-not-patched-automatically";
import { secretWrittenAsLiteral } from "./secret-written-as-literal";
import { securityEventsNotCollected } from "./security-events-not-collected";
import { definePack } from "../../engine/rule";

/**
 * The cross-cutting security baseline pack (SDZ-SEC-*): monitoring, literal secrets, patching
 * (R-SEC-8, R-SEC-9, R-SEC-10). Its area is not "security": every SARIF rule already carries that tag.
 */
export const SEC_PACK = definePack("SDZ-SEC", "security-baseline", [
  securityEventsNotCollected,
  secretWrittenAsLiteral,
  rpcHostNotPatchedAutomatically,
]);
