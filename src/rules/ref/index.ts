import { captureLocationWithoutSmbEncryption } from "./capture-location-without-smb-encryption";
import { captureSettingsDeclaredNotVerified } from "./capture-settings-declared-not-verified";
import { referenceReachableFromOutsideManagement } from "./reference-reachable-from-outside-management";
import { referenceReachesArbitraryDestinations } from "./reference-reaches-arbitrary-destinations";
import { referenceWithoutAutomaticUpdates } from "./reference-without-automatic-updates";
import { definePack } from "../../engine/rule";

/** The reference-computer pack (SDZ-REF-*): the image capture computer, declared or inferred, and where it captures to. */
export const REF_PACK = definePack("SDZ-REF", "reference", [
  referenceReachableFromOutsideManagement,
  referenceReachesArbitraryDestinations,
  referenceWithoutAutomaticUpdates,
  captureLocationWithoutSmbEncryption,
  captureSettingsDeclaredNotVerified,
]);
