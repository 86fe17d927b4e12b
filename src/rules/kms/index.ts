import { kmsFromBroadSource, kmsFromLowTrustZone } from "./allowlist";
import { kmsOnDomainController } from "./colocation";
import { domainServicesToBroadDestination } from "./domain-services";
import { kmsAnonymousHardening, kmsDynamicIp, makActivationDeclared } from "./host";
import { kmsOrDcFromPerimeter } from "./perimeter-exposure";
import { Rule } from "../../engine/rule";

/** Rules of the kms pack (KMS activation and domain services; seeds 003 and 004). */
export const KMS_RULES: Rule[] = [
  kmsOnDomainController,
  kmsFromBroadSource,
  kmsFromLowTrustZone,
  kmsDynamicIp,
  kmsAnonymousHardening,
  kmsOrDcFromPerimeter,
  makActivationDeclared,
  domainServicesToBroadDestination,
];
