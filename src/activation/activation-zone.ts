import { Construct } from "constructs";
import { KMS_TAG } from "../contract/kms-tags";
import { attributeErrors, childPath, ConstructErrorCode, invalidProp } from "../network/errors";
import { TAG_LIMITS } from "../network/limits";
import { Trust, TrustLevel } from "../network/trust-level";
import { requireText, requireTrustedZoneLevel } from "../network/validators";
import { DeploymentZone, ZoneOptions, zoneProps } from "../zones/deployment-zone";

/**
 * Properties of an {@link ActivationZone}. ICMP from the network (`allowIcmpFromNetwork`) is not
 * counted as exposure by SDZ-KMS-006.
 */
export interface ActivationZoneProps extends ZoneOptions {
  /** Zone name; also the subnet name. */
  readonly zoneName: string;
  /**
   * Trust level: INTERNAL or MANAGEMENT. A KMS host never sits in a perimeter or untrusted zone (R-KMS-7).
   * @default TrustLevel.INTERNAL
   */
  readonly trustLevel?: TrustLevel;
}

/** A zone that activates with MAK, as declared on an {@link ActivationZone}. */
export interface MakActivationDeclaration {
  /** The zone name. */
  readonly zoneName: string;
  /** The zone's trust level. */
  readonly trustLevel: TrustLevel;
  /** Why the zone uses MAK. */
  readonly justification: string;
}

/**
 * The zone of the KMS host: its own subnet and NSG, separate from the domain controllers' zone
 * (R-KMS-1), trusted INTERNAL or more. Zones below INTERNAL never reach KMS (R-KMS-3): declare
 * them with {@link ActivationZone.declareMakActivation} so the compliance report shows how their
 * servers activate.
 */
export class ActivationZone extends DeploymentZone {
  private readonly mak: MakActivationDeclaration[] = [];
  private readonly makZones = new Set<DeploymentZone>();

  constructor(scope: Construct, id: string, props: ActivationZoneProps) {
    super(scope, id, zoneProps(props, props?.zoneName, attributeErrors(childPath(scope, id), () => requireTrustedZoneLevel(props?.trustLevel,
      "a KMS host is never placed in a perimeter or untrusted zone (R-KMS-7)"))));
  }

  /** Zones declared to activate with MAK. */
  public get makActivationZones(): MakActivationDeclaration[] {
    return [...this.mak];
  }

  /**
   * Declares that the servers of a zone below INTERNAL trust (a perimeter/DMZ zone) activate with
   * MAK (Multiple Activation Key) instead of KMS (seed 003: "The MAK method should be used for
   * machines in firewalled zones"). Records `sdz-activation=mak` and the justification on that
   * zone's NSG, so the compliance report shows it (rule SDZ-KMS-007). Such a zone can never be
   * in a KMS allowlist (zones below INTERNAL are refused there).
   * @param zone the zone (PERIMETER or UNTRUSTED)
   * @param justification why (1-256 characters), e.g. "DMZ web servers: MAK via proxy activation"
   */
  public declareMakActivation(zone: DeploymentZone, justification: string): void {
    const text = attributeErrors(this.node.path, () => {
      if (!(zone instanceof DeploymentZone)) {
        throw invalidProp("zone", (zone as any)?.zoneName ?? zone, "a DeploymentZone");
      }
      if (Trust.isAtLeast(zone.trustLevel, TrustLevel.INTERNAL)) {
        throw invalidProp("zone", zone.zoneName, `a zone below INTERNAL trust (PERIMETER or UNTRUSTED); zone ${zone.zoneName} is ${zone.trustLevel} and may use KMS through the allowlist`);
      }
      if (this.makZones.has(zone)) {
        throw invalidProp("zone", zone.zoneName, "a zone not already declared for MAK activation", ConstructErrorCode.DUPLICATE_VALUE);
      }
      return requireText("justification", justification, 1, TAG_LIMITS.valueMaxLength, "a sentence saying why the zone uses MAK");
    });
    this.makZones.add(zone);
    this.mak.push({ zoneName: zone.zoneName, trustLevel: zone.trustLevel, justification: text });
    for (const [key, value] of [KMS_TAG.activation.entry("mak"), KMS_TAG.activationJustification.entry(text)]) {
      zone.networkSecurityGroup.addOverride(`tags.${key}`, value);
    }
  }
}
