import { referenceCaptureLocation, referenceInboundIsolation, referenceOutboundIsolation, referencePatching } from "./reference";
import { definePack } from "../../engine/rule";

/** The reference-computer pack (SDZ-REF-*): the image capture computer and its zone. */
export const REF_PACK = definePack("SDZ-REF", "reference", [
  referenceInboundIsolation,
  referenceOutboundIsolation,
  referencePatching,
  referenceCaptureLocation,
]);
