/**
 * What the out-of-band rules share: the seed they cite, the service points with their declared
 * settings (read through the settings model, with provenance), and the source classes findings
 * talk about.
 */
import { OOB_TAG, OobTags } from "../../contract/oob-tags";
import { TagRead, TagSpec } from "../../contract/tag";
import { parseCidr } from "../../engine/access/addresses";
import { SourceSet } from "../../engine/access/source-set";
import { AmtServicePoint, AmtServicePoints, sourcesOf } from "../../engine/amt-service-points";
import { RuleContext } from "../../engine/rule";

export const SEED = "Seed 002 (security best practices for out-of-band management)";

/** The provisioning mode of a service point, as declared (`sdz-oob-provisioning`). */
export type ProvisioningMode =
  | { readonly state: "enabled" }
  | { readonly state: "disabled"; readonly declared: boolean }
  | { readonly state: "unknown"; readonly reason: string };

/** What one service point declares about out-of-band provisioning. */
export interface ServicePointProvisioning {
  readonly sp: AmtServicePoint;
  readonly mode: ProvisioningMode;
  /** The provisioning port: the declared custom one, else the default 9971; undefined when the tag cannot be read. */
  readonly port?: number;
  readonly portProblem?: { readonly state: "unknown" | "invalid"; readonly reason: string };
  /** The declared AMT client segments. */
  readonly clients: { readonly state: "declared"; readonly sources: SourceSet; readonly text: readonly string[] } | { readonly state: "absent" } | { readonly state: "unknown"; readonly reason: string };
  /** The provisioning server name the firmware looks up (the declared one, or the firmware default); undefined for an IP or when unknown. */
  readonly provisioningName?: string;
  readonly provisioningNameUnknown?: string;
}

/** The service points of the configuration with their provisioning settings. Memoised per model. */
export function provisioningOf(ctx: Pick<RuleContext, "model" | "settings">): ServicePointProvisioning[] {
  return ctx.model.memo("oob-provisioning", () => AmtServicePoints.of(ctx.model).points.map((sp) => {
    const read = <T>(spec: TagSpec<T>): TagRead<T> => ctx.settings.read(sp.vm.resource, spec, sp.nics).read;
    const modeRead = read(OOB_TAG.provisioning);
    const mode: ProvisioningMode = modeRead.state === "known"
      ? (modeRead.value === "enabled" ? { state: "enabled" } : { state: "disabled", declared: true })
      : modeRead.state === "absent" ? { state: "disabled", declared: false } : { state: "unknown", reason: `${sp.vm.resource.address}: ${modeRead.reason}` };
    const portRead = read(OOB_TAG.provisioningPort);
    const port = portRead.state === "known" ? portRead.value : portRead.state === "absent" ? OobTags.DEFAULT_PROVISIONING_PORT : undefined;
    const portProblem = portRead.state === "unknown" || portRead.state === "invalid" ? { state: portRead.state, reason: `${sp.vm.resource.address}: ${portRead.reason}` } : undefined;
    const clientsRead = read(OOB_TAG.amtClientPrefixes);
    const clients: ServicePointProvisioning["clients"] = clientsRead.state === "known"
      ? { state: "declared", sources: sourcesOf(clientsRead.value.map((t) => parseCidr(t)!).filter((c) => !!c)), text: clientsRead.value }
      : clientsRead.state === "absent" ? { state: "absent" } : { state: "unknown", reason: `${sp.vm.resource.address}: ${clientsRead.reason}` };
    const serverRead = read(OOB_TAG.provisioningServer);
    let provisioningName: string | undefined;
    let provisioningNameUnknown: string | undefined;
    if (serverRead.state === "known") provisioningName = isAddress(serverRead.value) ? undefined : serverRead.value.toLowerCase().replace(/\.$/, "");
    else if (serverRead.state === "absent") provisioningName = OobTags.DEFAULT_PROVISIONING_SERVER.toLowerCase();
    else provisioningNameUnknown = `${sp.vm.resource.address}: ${serverRead.reason}`;
    return { sp, mode, port, portProblem, clients, provisioningName, provisioningNameUnknown };
  }));
}

/** True for an IPv4 or IPv6 address (not a CIDR, not a name). */
export function isAddress(text: string): boolean {
  return !text.includes("/") && parseCidr(text.trim()) !== undefined;
}

/** `a, b, c` or `a, b, c and 2 more`. */
export function listOf(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}

/** `the out-of-band service point azurerm_...sp (10.0.9.10; declared: ...)`, or a note that none was found. */
export function describeServicePoints(points: readonly AmtServicePoint[]): string {
  if (points.length === 0) return "no out-of-band service point is declared or inferred in this configuration";
  return `out-of-band service point${points.length > 1 ? "s" : ""} ${points.map((p) => AmtServicePoints.describe(p)).join("; ")}`;
}
