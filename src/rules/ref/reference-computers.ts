/**
 * What the reference-computer rules share: the reference (image capture) computers of a
 * configuration, declared or inferred with the evidence, and where they capture to, resolved to a
 * resource of the configuration when the capture location names one.
 */
import { InOrder } from "../../contract/in-order";
import { PXE_TAG } from "../../contract/pxe-tags";
import { DeploymentRole } from "../../contract/zone-tags";
import { Vm } from "../../engine/access/topology";
import { TfResource } from "../../engine/model";
import { RoleClaim } from "../../engine/roles";
import { RuleContext } from "../../engine/rule";

/** VM resource types the reference-computer rules report on. */
export const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine", "azurerm_virtual_machine"];

/**
 * A script that generalizes and captures the OS: `sysprep /generalize`, `New-WindowsImage`,
 * `dism /Capture-Image` or `imagex /capture` (public settings of extensions and run commands).
 */
const CAPTURE_SCRIPT = InOrder.anyOf(
  InOrder.of([/sysprep(\.exe)?/i, /\/generalize/i]),
  /New-WindowsImage\b/i,
  InOrder.of([/dism(\.exe)?/i, /\/capture-image/i]),
  InOrder.of([/imagex(\.exe)?/i, /\/capture/i]),
);
/** A UNC path: `\\host\share\...`. */
const UNC = /\\\\([A-Za-z0-9][A-Za-z0-9.-]*)\\([^\\\s"'`;,]+)/;
/** An Azure Files host name: `<account>.file.core.windows.net`, or its private link alias. */
const AZURE_FILES_HOST = /^([a-z0-9]{3,24})\.(?:privatelink\.)?file\.core\.windows\.net$/i;

/** A reference computer and why the checks take it for one. */
export interface ReferenceComputer {
  readonly vm: Vm;
  readonly claim: RoleClaim;
  /** The role tag, an image captured from the VM in this configuration, or a capture script on the VM. */
  readonly via: "declared" | "image" | "script";
}

/**
 * The reference computers: declared (`sdz-role=reference-computer`), or inferred from the
 * configuration: the source VM of an `azurerm_image` (source_virtual_machine_id) or of an
 * `azurerm_shared_image_version` (managed_image_id naming a VM), or a VM whose extension or run
 * command runs sysprep /generalize or an image capture. Memoised.
 */
export function referenceComputers(ctx: RuleContext): ReferenceComputer[] {
  return ctx.model.memo("ref:computers", () => {
    const out: ReferenceComputer[] = ctx.roles.vmsWith(DeploymentRole.REFERENCE_COMPUTER).map((x): ReferenceComputer => ({ vm: x.vm, claim: x.claim, via: "declared" }));
    const have = new Set(out.map((r) => r.vm));
    const topo = ctx.access.topology;
    const add = (vm: Vm | undefined, via: "image" | "script", evidence: string) => {
      if (!vm || have.has(vm)) return;
      have.add(vm);
      out.push({ vm, claim: { role: DeploymentRole.REFERENCE_COMPUTER, source: "inferred", evidence }, via });
    };
    for (const [type, field] of [["azurerm_image", "source_virtual_machine_id"], ["azurerm_shared_image_version", "managed_image_id"]] as const) {
      for (const img of ctx.model.ofType(type)) {
        const src = ctx.model.referencedResource(img.config[field]);
        if (src) add(topo.vmOf(src), "image", `${img.address} captures it (${field})`);
      }
    }
    for (const vm of topo.vms) {
      const script = ctx.settings.scriptsOn(vm.resource).find((s) => CAPTURE_SCRIPT.test(s.text));
      if (script) add(vm, "script", `${script.resource.address} generalizes or captures its OS (sysprep /generalize or an image capture)`);
    }
    return out;
  });
}

/** `reference computer azurerm_windows_virtual_machine.ref (declared: sdz-role=... on ...)`. */
export function describeRef(rc: ReferenceComputer): string {
  return `reference computer ${rc.vm.resource.address} (${rc.claim.source}: ${rc.claim.evidence})`;
}

/** Where a reference computer captures to. */
export interface CaptureLocation {
  /** The UNC path, when known. */
  readonly unc?: string;
  /** Where the path comes from: the `sdz-ref-capture-location` tag, or the capture script. */
  readonly from?: "tag" | "script";
  /** Why the tag cannot be read. */
  readonly unknown?: string;
  /** The Azure Files account (and share) the path names, when part of this configuration. */
  readonly account?: TfResource;
  readonly share?: TfResource;
  /** The VM serving the share, when part of this configuration. */
  readonly server?: Vm;
}

/** The capture location of a reference computer: its tag, else the first UNC path in a capture script; resolved when it names a resource here. */
export function captureLocationOf(ctx: RuleContext, rc: ReferenceComputer): CaptureLocation {
  return ctx.model.memo(`ref:capture:${rc.vm.resource.address}`, () => {
    const tag = ctx.settings.read(rc.vm.resource, PXE_TAG.captureLocation, rc.vm.nics.map((n) => n.resource)).read;
    if (tag.state === "unknown" || tag.state === "invalid") return { unknown: tag.reason };
    let unc: string | undefined;
    let from: "tag" | "script" | undefined;
    if (tag.state === "known") {
      unc = tag.value;
      from = "tag";
    } else {
      for (const s of ctx.settings.scriptsOn(rc.vm.resource)) {
        const line = s.text.split("\n").find((l) => CAPTURE_SCRIPT.test(l) && UNC.test(l));
        if (line) {
          unc = UNC.exec(line)![0];
          from = "script";
          break;
        }
      }
    }
    if (!unc) return {};
    const m = UNC.exec(unc);
    if (!m) return { unc, from };
    const host = m[1].toLowerCase();
    const shareName = m[2].toLowerCase();
    const files = AZURE_FILES_HOST.exec(host);
    if (files) {
      const account = ctx.model.ofType("azurerm_storage_account").find((a) => nameOf(ctx, a) === files[1].toLowerCase());
      if (!account) return { unc, from };
      const share = ctx.model.ofType("azurerm_storage_share").find((s) => nameOf(ctx, s) === shareName && shareAccount(ctx, s) === account);
      return { unc, from, account, share };
    }
    const label = host.split(".")[0];
    const server = ctx.access.topology.vms.find((vm) => [vm.resource.config.computer_name, vm.resource.config.name].some((v) => {
      const r = ctx.model.resolveString(v);
      return r.known && r.value.toLowerCase() === label;
    }));
    return { unc, from, server };
  });
}

function nameOf(ctx: RuleContext, r: TfResource): string | undefined {
  const n = ctx.model.resolveString(r.config.name);
  return n.known ? n.value.toLowerCase() : undefined;
}

/** The storage account of a share: `storage_account_id` (azurerm 4) or `storage_account_name` (3.x), by reference or literal. */
function shareAccount(ctx: RuleContext, share: TfResource): TfResource | undefined {
  for (const field of ["storage_account_id", "storage_account_name"]) {
    const v = share.config[field];
    if (v === undefined || v === null) continue;
    const ref = ctx.model.referencedResource(v);
    if (ref?.type === "azurerm_storage_account") return ref;
    const text = ctx.model.resolveString(v);
    if (!text.known) continue;
    const name = field === "storage_account_id" ? /\/storageAccounts\/([^/]+)$/i.exec(text.value)?.[1] : text.value;
    const hit = name ? ctx.model.ofType("azurerm_storage_account").find((a) => nameOf(ctx, a) === name.toLowerCase()) : undefined;
    if (hit) return hit;
  }
  return undefined;
}
