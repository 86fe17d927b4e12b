import { Construct } from "constructs";
import { TrustLevel } from "../network/trust-level";
import { DeploymentZone, ZoneOptions, zoneProps } from "../zones/deployment-zone";

/** Properties of a {@link ManagementZone}. */
export interface ManagementZoneProps extends ZoneOptions {
  /**
   * Zone name (also the subnet name).
   * @default "management"
   */
  readonly zoneName?: string;
}

/**
 * The management zone (trust MANAGEMENT): where the out-of-band service point and other
 * administration hosts live. Intel AMT ports on client zones are opened only from here (R-OOB-2).
 */
export class ManagementZone extends DeploymentZone {
  constructor(scope: Construct, id: string, props: ManagementZoneProps) {
    super(scope, id, zoneProps(props, props?.zoneName ?? "management", TrustLevel.MANAGEMENT));
  }
}
