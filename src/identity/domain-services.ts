import { Port } from "../network/port";
import { DomainServicePort, SERVICE_PORTS } from "../network/service-ports";

export { DOMAIN_SERVICE_PORTS, MIN_RPC_DYNAMIC_PORTS } from "../network/service-ports";
export type { DomainServicePort } from "../network/service-ports";

/** The Port of a domain service port entry. @internal */
export function portOf(p: DomainServicePort): Port {
  return Port._ofService(p);
}

/** Default dynamic RPC range of Windows Server. @internal */
export const DEFAULT_RPC_DYNAMIC_START = SERVICE_PORTS.RPC_DYNAMIC.from;
/** @internal */
export const DEFAULT_RPC_DYNAMIC_END = SERVICE_PORTS.RPC_DYNAMIC.to;
