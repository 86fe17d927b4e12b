import { Construct } from "constructs";
import { KMS_TAG } from "../contract/kms-tags";
import { invalidProp } from "../network/errors";
import { Trust, TrustLevel } from "../network/trust-level";
import { DeploymentNetwork } from "../zones/deployment-network";
import { DeploymentZone } from "../zones/deployment-zone";

/** Properties of an {@link ActivationZone}. */
export interface ActivationZoneProps {
  /** The network the zone belongs to. */
  readonly network: DeploymentNetwork;
  /** Zone name; also the subnet name. */
  readonly zoneName: string;
  /** The zone's subnet prefix. */
  readonly addressPrefix: string;
  /**
   * Trust level: INTERNAL or MANAGEMENT. A KMS host never sits in a perimeter or untrusted zone (R-KMS-7).
   * @default TrustLevel.INTERNAL
   */
  readonly trustLevel?: TrustLevel;
  /**
   * Also deny all outbound traffic at priority 4096.
   * @default false
   */
  readonly denyAllOutbound?: boolean;
  /**
   * Allow ICMP from the network's address space just before the deny-all (path MTU discovery and
   * domain controller location need it, R-SEC-4). ICMP is not counted as exposure by SDZ-KMS-006.
   * @default true
   */
  readonly allowIcmpFromNetwork?: boolean;
  /**
   * Extra tags for the zone's NSG.
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
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
    const trust = props.trustLevel ?? TrustLevel.INTERNAL;
    if (!Object.values(TrustLevel).includes(trust) || !Trust.isAtLeast(trust, TrustLevel.INTERNAL)) {
      throw invalidProp("trustLevel", props.trustLevel, "INTERNAL or MANAGEMENT: a KMS host is never placed in a perimeter or untrusted zone (R-KMS-7)");
    }
    super(scope, id, {
      network: props.network,
      zoneName: props.zoneName,
      addressPrefix: props.addressPrefix,
      trustLevel: trust,
      denyAllOutbound: props.denyAllOutbound,
      allowIcmpFromNetwork: props.allowIcmpFromNetwork,
      tags: props.tags,
    });
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
    if (!(zone instanceof DeploymentZone)) {
      throw invalidProp("zone", (zone as any)?.zoneName ?? zone, "a DeploymentZone");
    }
    if (Trust.isAtLeast(zone.trustLevel, TrustLevel.INTERNAL)) {
      throw invalidProp("zone", zone.zoneName, `a zone below INTERNAL trust (PERIMETER or UNTRUSTED); zone ${zone.zoneName} is ${zone.trustLevel} and may use KMS through the allowlist`);
    }
    if (typeof justification !== "string" || justification.trim().length === 0 || justification.length > 256) {
      throw invalidProp("justification", justification, "a non-empty sentence of at most 256 characters saying why the zone uses MAK");
    }
    if (this.makZones.has(zone)) {
      throw invalidProp("zone", zone.zoneName, "a zone not already declared for MAK activation");
    }
    this.makZones.add(zone);
    this.mak.push({ zoneName: zone.zoneName, trustLevel: zone.trustLevel, justification });
    for (const [key, value] of [KMS_TAG.activation.entry("mak"), KMS_TAG.activationJustification.entry(justification)]) {
      zone.networkSecurityGroup.addOverride(`tags.${key}`, value);
    }
  }
}
