import { kmsAllowedFromLowTrustZone } from "./kms-allowed-from-low-trust-zone";
import { kmsAllowlistFirewallBypassed } from "./kms-allowlist-firewall-bypassed";
import { kmsHostOnDomainController } from "./kms-host-on-domain-controller";
import { kmsHostWithDynamicIp } from "./kms-host-with-dynamic-ip";
import { kmsHostWithoutAnonymousHardening } from "./kms-host-without-anonymous-hardening";
import { kmsOpenToBroadSources } from "./kms-open-to-broad-sources";
import { kmsOrDcReachableFromPerimeter } from "./kms-or-dc-reachable-from-perimeter";
import { makActivationDeclared } from "./mak-activation-declared";
import { definePack } from "../../engine/rule";

/** The KMS pack (SDZ-KMS-*): KMS activation across zones (seed 003). */
export const KMS_PACK = definePack("SDZ-KMS", "kms", [
  kmsHostOnDomainController,
  kmsOpenToBroadSources,
  kmsAllowedFromLowTrustZone,
  kmsHostWithDynamicIp,
  kmsHostWithoutAnonymousHardening,
  kmsOrDcReachableFromPerimeter,
  makActivationDeclared,
  kmsAllowlistFirewallBypassed,
]);
