import { dpMultiHomed, dpPublicIp, dpZoneTrust } from "./distribution-point";
import { pxePortsFromUntrusted } from "./exposure";
import { pxeZoneFlowLogs } from "./flow-logs";
import { referenceCaptureLocation, referenceInboundIsolation, referenceOutboundIsolation, referencePatching } from "./reference";
import { pxeContentTransport, pxeImageContent, pxeMulticast, pxePasswordRequired, pxeRespondAllInterfaces, pxeUnknownComputers } from "./settings";
import { Rule } from "../../engine/rule";

/** Rules of the pxe pack (PXE distribution points, SDZ-PXE-*, and the reference computer, SDZ-REF-*). */
export const PXE_RULES: Rule[] = [
  pxePortsFromUntrusted,
  dpPublicIp,
  dpMultiHomed,
  dpZoneTrust,
  pxePasswordRequired,
  pxeUnknownComputers,
  pxeMulticast,
  pxeZoneFlowLogs,
  pxeContentTransport,
  pxeImageContent,
  pxeRespondAllInterfaces,
  referenceInboundIsolation,
  referenceOutboundIsolation,
  referencePatching,
  referenceCaptureLocation,
];
