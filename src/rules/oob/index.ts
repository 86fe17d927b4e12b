import { amtFirmwareNotCustomized } from "./amt-firmware-not-customized";
import { amtPortsBeyondManagement } from "./amt-ports-beyond-management";
import { ideImagesWithoutSmbEncryption } from "./ide-images-without-smb-encryption";
import { provisioningCertificateKeyExportable } from "./provisioning-certificate-key-exportable";
import { provisioningCertificateNotFromInternalCa } from "./provisioning-certificate-not-from-internal-ca";
import { provisioningCertificateNotRenewed } from "./provisioning-certificate-not-renewed";
import { provisioningCertificateReadableByOthers } from "./provisioning-certificate-readable-by-others";
import { provisioningCertificateVaultExposed } from "./provisioning-certificate-vault-exposed";
import { provisioningNameRecordBeyondServicePoint } from "./provisioning-name-record-beyond-service-point";
import { provisioningNameRecordUnlocked } from "./provisioning-name-record-unlocked";
import { provisioningNameRecordWhileProvisioningOff } from "./provisioning-name-record-while-provisioning-off";
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
  provisioningNameRecordWhileProvisioningOff, // SDZ-OOB-007
  provisioningNameRecordBeyondServicePoint, // SDZ-OOB-008
  provisioningNameRecordUnlocked, // SDZ-OOB-009
  provisioningCertificateNotFromInternalCa, // SDZ-OOB-010
  provisioningCertificateKeyExportable, // SDZ-OOB-011
  provisioningCertificateReadableByOthers, // SDZ-OOB-012
]);
