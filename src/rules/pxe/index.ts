import { contentNotOverEnhancedHttp } from "./content-not-over-enhanced-http";
import { distributionPointHasPublicIp } from "./distribution-point-has-public-ip";
import { distributionPointInLowTrustZone } from "./distribution-point-in-low-trust-zone";
import { distributionPointMultiHomed } from "./distribution-point-multi-homed";
import { imagesNotDeclaredFreeOfSensitiveContent } from "./images-not-declared-free-of-sensitive-content";
import { multicastOnAzureDistributionPoint } from "./multicast-on-azure-distribution-point";
import { multicastWithoutEncryption } from "./multicast-without-encryption";
import { pxeAnswersOnEveryInterface } from "./pxe-answers-on-every-interface";
import { pxeAnswersUnknownComputers } from "./pxe-answers-unknown-computers";
import { pxeBootWithoutPassword } from "./pxe-boot-without-password";
import { pxeFlowsReachOtherHosts } from "./pxe-flows-reach-other-hosts";
import { pxeReachableFromUntrustedSources } from "./pxe-reachable-from-untrusted-sources";
import { pxeZoneWithoutFlowLogs } from "./pxe-zone-without-flow-logs";
import { secondPxeResponderInZone } from "./second-pxe-responder-in-zone";
import { settingsDeclaredNotVerified } from "./settings-declared-not-verified";
import { definePack } from "../../engine/rule";

/** The PXE pack (SDZ-PXE-*): PXE distribution points, declared or inferred, and their segments. */
export const PXE_PACK = definePack("SDZ-PXE", "pxe", [
  pxeReachableFromUntrustedSources,
  distributionPointHasPublicIp,
  distributionPointMultiHomed,
  distributionPointInLowTrustZone,
  pxeBootWithoutPassword,
  pxeAnswersUnknownComputers,
  multicastOnAzureDistributionPoint,
  pxeZoneWithoutFlowLogs,
  contentNotOverEnhancedHttp,
  imagesNotDeclaredFreeOfSensitiveContent,
  pxeAnswersOnEveryInterface,
  pxeFlowsReachOtherHosts,
  secondPxeResponderInZone,
  multicastWithoutEncryption,
  settingsDeclaredNotVerified,
]);
