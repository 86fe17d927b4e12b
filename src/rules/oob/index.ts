import { amtFirmwareNotCustomized } from "./amt-firmware-not-customized";
import { amtPortsBeyondManagement } from "./amt-ports-beyond-management";
import { ideImagesWithoutSmbEncryption } from "./ide-images-without-smb-encryption";
import { provisioningCertificateNotRenewed } from "./provisioning-certificate-not-renewed";
import { provisioningCertificateVaultExposed } from "./provisioning-certificate-vault-exposed";
import { provisioningPortOpen } from "./provisioning-port-open";
import { definePack } from "../../engine/rule";

/** The out-of-band management pack (SDZ-OOB-*; seed 002). */
export const OOB_PACK = definePack("SDZ-OOB", "oob", [
  amtPortsBeyondManagement, // SDZ-OOB-001
  provisioningPortOpen, // SDZ-OOB-002
  amtFirmwareNotCustomized, // SDZ-OOB-003
  provisioningCertificateNotRenewed, // SDZ-OOB-004
  provisioningCertificateVaultExposed, // SDZ-OOB-005
  ideImagesWithoutSmbEncryption, // SDZ-OOB-006
]);
