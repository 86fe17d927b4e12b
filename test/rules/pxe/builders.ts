/**
 * Raw azurerm pieces the PXE and reference-computer tests add to the harness's `site()`: zones of
 * a given trust, on-premises ranges, tags on an NSG or VM, scripts and run commands.
 */
import { COMPLIANT_DP_TAGS } from "../../../src/rules/pxe/examples";
import { Body, rule, TfJson } from "../../support/rule-harness";

/** The PXE ports a distribution point answers on. */
export const PXE = ["67", "69", "4011"];

/** An allow of the PXE ports (UDP 67, 69, 4011) from `source` to `destination` (default the site's VM, 10.0.1.4). */
export function pxeRule(name: string, source: string | string[], destination: string | string[] = "10.0.1.4", priority = 100): Body {
  return rule(name, priority, "Allow", "Udp", PXE, source, destination);
}

/** The distribution point's settings, declared, with overrides (`undefined` removes one). */
export function dpTags(over: Record<string, string | undefined> = {}, role = true): Record<string, string> {
  const out: Record<string, string> = { ...(role ? { "sdz-role": "pxe-distribution-point" } : {}), ...COMPLIANT_DP_TAGS };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Options of {@link zone}. */
export interface ZoneOptions {
  /** `sdz-trust` of its NSG. */
  readonly trust?: string;
  /** An NSG allow of HTTPS from the Internet (the zone is internet-facing: inferred PERIMETER). */
  readonly internetFacing?: boolean;
}

/** A subnet of the site's VNet with its own NSG (deny-all inbound), optionally declared or internet-facing. */
export function zone(tf: TfJson, vnet: string, name: string, prefix: string, o: ZoneOptions = {}): { subnet: string; nsg: string } {
  const subnet = tf.subnet(name, vnet, [prefix]);
  const rules = [...(o.internetFacing ? [rule("allow-https", 100, "Allow", "Tcp", "443", "Internet")] : []), rule("deny-all", 4096, "Deny", "*", "*", "*")];
  const nsg = tf.nsg(`${name}_nsg`, rules);
  if (o.trust) tag(tf, nsg, { "sdz-trust": o.trust });
  tf.associate(subnet, nsg);
  return { subnet, nsg };
}

/** An on-premises range set (a local network gateway), optionally declared with a trust level. */
export function onPremises(tf: TfJson, name: string, prefixes: string[], trust?: string): string {
  return tf.add("azurerm_local_network_gateway", name, {
    name, location: "westeurope", resource_group_name: "rg", gateway_address: "203.0.113.10", address_space: prefixes,
    ...(trust ? { tags: { "sdz-zone": name, "sdz-trust": trust } } : {}),
  });
}

/** Merges tags into a resource (`type.name`). */
export function tag(tf: TfJson, address: string, tags: Record<string, string> | string): void {
  const [type, name] = address.split(".");
  const body = tf.json.resource[type][name];
  body.tags = typeof tags === "string" ? tags : { ...((body.tags as Record<string, string>) ?? {}), ...tags };
}

/** Sets attributes of a resource (`type.name`). */
export function patch(tf: TfJson, address: string, attrs: Body): void {
  const [type, name] = address.split(".");
  Object.assign(tf.json.resource[type][name], attrs);
}

/** A CustomScriptExtension on a VM running `script` (public settings). */
export function extension(tf: TfJson, name: string, vm: string, script: string): string {
  return tf.add("azurerm_virtual_machine_extension", name, {
    name, virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
    settings: JSON.stringify({ commandToExecute: `powershell -Command "${script}"` }),
  });
}

/** A run command on a VM (e.g. a ConfigMgr site server) running `script`. */
export function runCommand(tf: TfJson, name: string, vm: string, script: string): string {
  return tf.add("azurerm_virtual_machine_run_command", name, { name, location: "westeurope", virtual_machine_id: TfJson.ref(vm), source: { script } });
}

/** A second VM in the site's subnet (`servers`, 10.0.1.0/24). */
export function secondVm(tf: TfJson, name: string, ip: string, tags?: Record<string, string>, subnet = "azurerm_subnet.servers"): { vm: string; nic: string } {
  const nic = tf.nic(`${name}_nic`, subnet, ip);
  const vm = tf.windowsVm(name, [nic], tags ? { tags } : {});
  return { vm, nic };
}
