import {
  amtFirmwareSettings, amtPortsBeyondManagement, ideImageLocation, provisioningCertificateRenewal,
  provisioningCertificateVault, provisioningPortOpen,
} from "./oob-rules";
import { definePack } from "../../engine/rule";

/** The out-of-band management pack (SDZ-OOB-*; seed 002). */
export const OOB_PACK = definePack("SDZ-OOB", "oob", [
  amtPortsBeyondManagement,
  provisioningPortOpen,
  amtFirmwareSettings,
  provisioningCertificateRenewal,
  provisioningCertificateVault,
  ideImageLocation,
]);
