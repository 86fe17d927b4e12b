import { TfJson } from "./tf-json";
import { DeploymentRole } from "../../src/contract/zone-tags";
import { Reachability } from "../../src/engine/access/reachability";
import { Roles } from "../../src/engine/roles";

/** The KMS host and domain controller claims of one VM of the configuration: [source, evidence]. */
export function roleClaims(tf: TfJson, vmAddress: string): { kms?: [string, string]; dc?: [string, string] } {
  const model = tf.model();
  const vm = Reachability.of(model).access.topology.vms.find((v) => v.resource.address === vmAddress)!;
  const roles = Roles.of(model);
  const c = (role: DeploymentRole): [string, string] | undefined => {
    const x = roles.claim(vm, role);
    return x ? [x.source, x.evidence] : undefined;
  };
  return { kms: c(DeploymentRole.KMS_HOST), dc: c(DeploymentRole.DOMAIN_CONTROLLER) };
}
