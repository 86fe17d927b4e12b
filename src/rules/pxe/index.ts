import { dpMultiHomed, dpPublicIp, dpZoneTrust } from "./distribution-point";
import { pxePortsFromUntrusted } from "./exposure";
import { pxeZoneFlowLogs } from "./flow-logs";
import { pxeContentTransport, pxeImageContent, pxeMulticast, pxePasswordRequired, pxeRespondAllInterfaces, pxeUnknownComputers } from "./settings";
import { definePack } from "../../engine/rule";

/** The PXE pack (SDZ-PXE-*): PXE distribution points and their segments. */
export const PXE_PACK = definePack("SDZ-PXE", "pxe", [
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
]);
