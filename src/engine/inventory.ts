/**
 * The inventory of `sdz-*` tags and settings in a configuration, for the reports. Never echoes a
 * secret: values of secret-bearing tags are shown only when they parse (a typed boolean), and tags
 * outside the contract whose names look secret are shown without their value. Each setting carries
 * its provenance (applied, audited or declared) and what makes it so.
 */
import { VM_TYPES } from "./access/topology";
import { TerraformModel } from "./model";
import { SettingRecord } from "./result";
import { Settings } from "./settings";
import { findTagSpec, isContractKey, isSecretName } from "../contract/registry";
import { ZONE_TAG } from "../contract/zone-tags";

/** What the reports print instead of a value that may be secret. */
export const HIDDEN_VALUE = "(value not shown)";

const IDENTITY_KEYS = new Set([ZONE_TAG.zone.key, ZONE_TAG.trust.key, ZONE_TAG.roles.key]);

/** Every contract tag (and look-alike) by resource address, with values safe to print. */
export function tagInventory(model: TerraformModel): { [address: string]: { [tag: string]: string } } {
  const out: { [address: string]: { [tag: string]: string } } = {};
  for (const r of model.resources) {
    const block = model.tagBlock(r);
    if (!block.known) continue;
    const entries: [string, string][] = [];
    for (const [key, value] of block.values) {
      if (!isContractKey(key) || !value.known) continue;
      entries.push([key, safeValue(key, value.text)]);
    }
    if (entries.length > 0) out[r.address] = Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return out;
}

/** The settings of every VM (and NIC) of the configuration, with provenance. */
export function settingInventory(model: TerraformModel): SettingRecord[] {
  const settings = Settings.of(model);
  const out: SettingRecord[] = [];
  const nicsOf = new Map<string, string[]>();
  for (const vm of model.ofType(...VM_TYPES)) {
    const ids = Array.isArray(vm.config.network_interface_ids) ? vm.config.network_interface_ids : [];
    nicsOf.set(vm.address, ids.map((id: unknown) => model.referencedResource(id)?.address).filter((a: string | undefined): a is string => !!a));
  }
  for (const r of model.resources) {
    const block = model.tagBlock(r);
    if (!block.known) continue;
    for (const [key] of block.values) {
      const spec = findTagSpec(key);
      if (!spec || IDENTITY_KEYS.has(spec.key)) continue;
      const nics = (nicsOf.get(r.address) ?? []).map((a) => model.byAddress(a)!).filter((x) => !!x);
      const state = settings.read(r, spec, nics);
      if (state.read.state === "absent") continue;
      out.push({
        address: r.address,
        setting: spec.key,
        value: state.read.state === "known" ? safeValue(spec.key, spec.codec.format(state.read.value)) : state.read.state === "unknown" ? "(not known before apply)" : "(invalid)",
        provenance: state.provenance ?? "declared",
        evidence: state.read.state === "known" ? state.evidence : state.read.reason,
      });
    }
  }
  return out;
}

/** The value as it may be printed: hidden for secret-bearing tags that do not parse, and for secret-looking names. */
export function safeValue(key: string, text: string): string {
  const spec = findTagSpec(key);
  if (spec) {
    if (!spec.secretBearing) return text;
    return spec.codec.parse(text) !== undefined ? spec.codec.format(spec.codec.parse(text)!) : HIDDEN_VALUE;
  }
  return isSecretName(key) ? HIDDEN_VALUE : text;
}
