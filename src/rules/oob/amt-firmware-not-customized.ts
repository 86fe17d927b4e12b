import { listOf, SEED } from "./common";
import { exampleTerraform } from "./examples";
import { OOB_TAG, OobTags } from "../../contract/oob-tags";
import { TagSpec } from "../../contract/tag";
import { DeploymentRole, ZoneTags } from "../../contract/zone-tags";
import { VM_TYPES } from "../../engine/access/topology";
import { AmtServicePoints } from "../../engine/amt-service-points";
import { defineRule, RuleLevel } from "../../engine/rule";
import { SettingState } from "../../engine/settings";
import { lazyExamples } from "../lazy-examples";

const THUMB = "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678";

export const amtFirmwareNotCustomized = defineRule({
  id: "SDZ-OOB-003",
  level: RuleLevel.ERROR,
  title: "Out-of-band service point without customized AMT firmware settings",
  rationale:
    `${SEED}: request customized firmware before AMT-based computers join the network: replace the external CAs' thumbprints with your internal CA's, use a custom `
    + "MEBx password instead of \"admin\", change the default provisioning server name \"ProvisionServer\" (an IP address is most secure) and, when provisioning "
    + "out of band, use a custom provisioning port (R-OOB-4). These settings live in the AMT firmware (MEBx), which no Azure resource reaches: they are recorded "
    + "as sdz-oob-* tags on the service point and are always *declared*. The rule accepts declared values and says so in one info finding per service point "
    + "(\"declared, not verified\"); a value that says the firmware keeps a default is an error, a missing one a warning. The value of "
    + "sdz-oob-mebx-custom-password is never shown (it is a secret-bearing boolean; other values are refused without being quoted). Service points are the "
    + "declared or inferred ones.",
  fix: "Use OutOfBandServicePoint with amtSettings, or tag the service point VM with sdz-oob-mebx-custom-password=true, sdz-oob-ca-thumbprint (40 hex digits of your "
    + "internal root CA), sdz-oob-provisioning-server (an IP or a name other than ProvisionServer) and, when provisioning is enabled, a custom sdz-oob-provisioning-port.",
  requirements: ["R-OOB-4"],
  resourceTypes: VM_TYPES,
  reads: ["out-of-band service points (declared or inferred) and the sdz-oob-* firmware tags of the VM and its NICs, with their provenance"],
  check(ctx) {
    for (const sp of AmtServicePoints.of(ctx.model).points) {
      const read = <T>(spec: TagSpec<T>): SettingState<T> => ctx.settings.read(sp.vm.resource, spec, sp.nics);
      const missing: string[] = [];
      const unknown: string[] = [];
      const declared: string[] = [];
      const errors: string[] = [];
      // Declared, acceptable values are listed in one info finding; defaults and malformed values are errors.
      const note = <T>(spec: TagSpec<T>, state: SettingState<T>, shown: (v: T) => string | undefined) => {
        const r = state.read;
        if (r.state === "absent") missing.push(spec.key);
        else if (r.state === "unknown") unknown.push(r.reason);
        else if (r.state === "invalid") errors.push(r.reason);
        else {
          const bad = shown(r.value);
          if (bad) errors.push(bad);
          else if (state.provenance === "declared") declared.push(spec.secretBearing ? spec.key : `${spec.key}=${String(r.value)}`);
        }
      };
      note(OOB_TAG.mebxCustomPassword, read(OOB_TAG.mebxCustomPassword), (v) => (v ? undefined
        : `${OobTags.MEBX_CUSTOM_PASSWORD} declares that no custom MEBx password is set: the MEBx account keeps its default password, which a rogue provisioning server can use`));
      note(OOB_TAG.caThumbprint, read(OOB_TAG.caThumbprint), () => undefined);
      note(OOB_TAG.provisioningServer, read(OOB_TAG.provisioningServer), (v) => (v.split(".")[0].toLowerCase() === OobTags.DEFAULT_PROVISIONING_SERVER.toLowerCase()
        ? `${OobTags.PROVISIONING_SERVER} is the firmware default "${v}": a record of that name can send AMT clients to a rogue provisioning server` : undefined));
      const mode = read(OOB_TAG.provisioning);
      const enabled = mode.read.state === "known" && mode.read.value === "enabled";
      if (mode.read.state === "known" && mode.provenance === "declared") declared.push(`${OobTags.PROVISIONING}=${mode.read.value}`);
      const port = read(OOB_TAG.provisioningPort);
      if (port.read.state === "invalid") errors.push(port.read.reason);
      else if (port.read.state === "unknown") unknown.push(port.read.reason);
      else if (port.read.state === "known" && port.read.value !== OobTags.DEFAULT_PROVISIONING_PORT && port.provenance === "declared") declared.push(`${OobTags.PROVISIONING_PORT}=${port.read.value}`);
      if (enabled && (port.read.state === "absent" || (port.read.state === "known" && port.read.value === OobTags.DEFAULT_PROVISIONING_PORT))) {
        errors.push(`out-of-band provisioning is enabled on the default port ${OobTags.DEFAULT_PROVISIONING_PORT}`);
      }
      const who = `out-of-band service point ${sp.vm.resource.address} (${sp.claim.source}: ${sp.claim.evidence})`;
      if (errors.length > 0) ctx.report(sp.vm.resource, `${who}: ${errors.join("; ")}`);
      if (unknown.length > 0) ctx.unverified(sp.vm.resource, `${who}: AMT firmware settings not known before apply: ${unknown.join("; ")}`);
      if (missing.length > 0) ctx.report(sp.vm.resource, `${who} declares no ${listOf(missing, missing.length)}: the AMT firmware may keep its defaults (external CA thumbprints, the MEBx password "admin", ProvisionServer)`, { level: RuleLevel.WARNING });
      if (declared.length > 0) {
        ctx.report(sp.vm.resource, `${who}: declared, not verified (no Azure resource reaches AMT firmware or the Configuration Manager site): ${declared.join(", ")}`, { level: RuleLevel.INFO });
      }
    }
  },
  examples: lazyExamples(() => ({
    bad: [{
      description: "A service point whose firmware keeps the default MEBx password and provisioning server name, with a malformed CA thumbprint",
      terraform: exampleTerraform({
        serverTags: {
          [ZoneTags.ROLE]: DeploymentRole.OOB_SERVICE_POINT, [OobTags.MEBX_CUSTOM_PASSWORD]: "false", [OobTags.CA_THUMBPRINT]: "A1B2",
          [OobTags.PROVISIONING_SERVER]: OobTags.DEFAULT_PROVISIONING_SERVER,
        },
      }),
      flagged: ["azurerm_windows_virtual_machine.sp"],
    }],
    good: [{
      description: "A server that is not an out-of-band service point has no AMT firmware settings to declare (a service point that declares them all gets one info finding: declared, not verified)",
      terraform: exampleTerraform({ serverTags: { [OobTags.CA_THUMBPRINT]: THUMB } }),
    }],
  })),
});
