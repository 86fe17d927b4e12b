import { App, TerraformStack } from "cdktf";
import { buildZonesStack } from "./stack";
import { Peer } from "../src/network/peer";
import { Port } from "../src/network/port";
import { TrustLevel } from "../src/network/trust-level";
import { DeploymentNetwork } from "../src/zones/deployment-network";
import { DeploymentZone } from "../src/zones/deployment-zone";

/**
 * The benchmark's zones stack built from the TypeScript sources (for tests); the benchmark itself
 * builds it from the compiled library (bench/child/synth.ts).
 */
export function buildBenchStack(app: App, zones: number, options: { findings?: boolean } = {}): TerraformStack {
  return buildZonesStack({ DeploymentNetwork, DeploymentZone, Peer, Port, TrustLevel }, app, zones, options);
}
