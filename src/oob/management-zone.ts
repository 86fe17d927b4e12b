import { Construct } from "constructs";
import { TrustLevel } from "../network/trust-level";
import { DeploymentNetwork } from "../zones/deployment-network";
import { DeploymentZone } from "../zones/deployment-zone";

/** Properties of a {@link ManagementZone}. */
export interface ManagementZoneProps {
  /** The network the zone belongs to. */
  readonly network: DeploymentNetwork;
  /** The zone's subnet prefix, inside the network address space and overlapping no other zone. */
  readonly addressPrefix: string;
  /**
   * Zone name (also the subnet name).
   * @default "management"
   */
  readonly zoneName?: string;
  /**
   * Also deny all outbound traffic at priority 4096.
   * @default false
   */
  readonly denyAllOutbound?: boolean;
  /**
   * Extra tags for the zone's NSG.
   * @default - the network's tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * The management zone (trust MANAGEMENT): where the out-of-band service point and other
 * administration hosts live. Intel AMT ports on client zones are opened only from here (R-OOB-2).
 */
export class ManagementZone extends DeploymentZone {
  constructor(scope: Construct, id: string, props: ManagementZoneProps) {
    super(scope, id, {
      network: props.network,
      zoneName: props.zoneName ?? "management",
      addressPrefix: props.addressPrefix,
      trustLevel: TrustLevel.MANAGEMENT,
      denyAllOutbound: props.denyAllOutbound,
      tags: props.tags,
    });
  }
}
