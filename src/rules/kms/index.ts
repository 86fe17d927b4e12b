import { kmsFromBroadSource, kmsFromLowTrustZone } from "./allowlist";
import { kmsOnDomainController } from "./colocation";
import { kmsAnonymousHardening, kmsDynamicIp, makActivationDeclared } from "./host";
import { kmsOrDcFromPerimeter } from "./perimeter-exposure";
import { definePack } from "../../engine/rule";

/** The KMS pack (SDZ-KMS-*): KMS activation across zones (seed 003). */
export const KMS_PACK = definePack("SDZ-KMS", "kms", [
  kmsOnDomainController,
  kmsFromBroadSource,
  kmsFromLowTrustZone,
  kmsDynamicIp,
  kmsAnonymousHardening,
  kmsOrDcFromPerimeter,
  makActivationDeclared,
]);
