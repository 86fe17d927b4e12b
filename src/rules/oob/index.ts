import {
  amtFirmwareSettings, amtPortsBeyondManagement, ideImageLocation, provisioningCertificateRenewal,
  provisioningCertificateVault, provisioningPortOpen,
} from "./oob-rules";
import { Rule } from "../../engine/rule";

/** Rules of the oob pack. */
export const OOB_RULES: Rule[] = [
  amtPortsBeyondManagement,
  provisioningPortOpen,
  amtFirmwareSettings,
  provisioningCertificateRenewal,
  provisioningCertificateVault,
  ideImageLocation,
];
