import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Testing } from "cdktf";
import { KmsSplitFromDc } from "../../examples/kms-split-from-dc/main";
import { SecureDeploymentChecks } from "../../src";
import { TerraformModel } from "../../src/engine/model";
import { NetworkIndex, ruleCoversPort, VmView } from "../../src/engine/network-index";
import { CheckResult, FindingStatus } from "../../src/engine/result";
import { RuleLevel } from "../../src/engine/rule";
import { dependsOnCount, refusedDependsOn } from "../support/depends-on";

const ROOT = path.join(__dirname, "..", "..");
const STACK_DIR = path.join("stacks", "kms-split-from-dc");

/** Synthesizes the example the way `cdktf synth` does, with the checks, into a temp dir. */
function synthesize() {
  const app = Testing.app();
  const stack = new KmsSplitFromDc(app, "kms-split-from-dc");
  const checks = new SecureDeploymentChecks();
  checks.applyToStack(stack);
  const outdir = Testing.fullSynth(stack);
  const json = JSON.parse(fs.readFileSync(path.join(outdir, STACK_DIR, "cdk.tf.json"), "utf8"));
  const result = checks.resultFor(stack) as CheckResult;
  const index = NetworkIndex.of(TerraformModel.fromTerraformJson(json, { name: "kms-split-from-dc" }));
  return { stack, outdir, json, result, index };
}

function subnetNamesOf(vm: VmView): string[] {
  return vm.nics.flatMap((n) => n.ipConfigs.map((c) => c.subnet?.name ?? "?"));
}

describe("examples/kms-split-from-dc", () => {
  const site = synthesize();

  test("every depends_on entry is a bare reference, as terraform init requires", () => {
    expect(dependsOnCount(site.json)).toBeGreaterThan(0);
    expect(refusedDependsOn(site.json)).toEqual([]);
  });
  const tempDirs = [site.outdir];
  afterAll(() => tempDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  test("passes every rule: no error finding, nothing failing or unverified", () => {
    expect(site.result).toBeDefined();
    const errors = site.result.findings.filter((f) => f.level === RuleLevel.ERROR);
    expect(errors).toEqual([]);
    const open = site.result.findings.filter((f) => f.status === FindingStatus.FAIL || f.status === FindingStatus.UNVERIFIED);
    // The KMS hardening is applied: the server's settings script sets each value and reads it back.
    expect(open.map((f) => `${f.ruleId} ${f.status} ${f.address}`)).toEqual([]);
    for (const file of ["compliance-report.json", "compliance-report.sarif", "compliance-report.md"]) {
      expect(fs.existsSync(path.join(site.outdir, STACK_DIR, file))).toBe(true);
    }
  });

  test("the KMS host and the domain controllers are different VMs, in different zones, with their own roles", () => {
    const kms = site.index.vms.filter((v) => v.roles.includes("kms-host"));
    const dcs = site.index.vms.filter((v) => v.roles.includes("domain-controller"));
    expect(kms).toHaveLength(1);
    expect(dcs).toHaveLength(2);
    expect(site.index.vms).toHaveLength(3);
    // No VM carries both roles, and no VM is both.
    expect(kms[0].roles).toEqual(["kms-host"]);
    for (const dc of dcs) expect(dc.roles).toEqual(["domain-controller"]);
    expect(new Set([...kms, ...dcs].map((v) => v.resource.address)).size).toBe(3);
    expect(kms[0].resource.config.name).toBe("kms01");
    expect(dcs.map((d) => d.resource.config.name).sort()).toEqual(["dc01", "dc02"]);
    // The tags on the VMs themselves, as written to cdk.tf.json.
    expect(kms[0].resource.config.tags["sdz-role"]).toBe("kms-host");
    for (const dc of dcs) expect(dc.resource.config.tags["sdz-role"]).toBe("domain-controller");
    // Separate subnets (each with its own NSG): the split is in the network, not only on paper.
    expect(subnetNamesOf(kms[0])).toEqual(["activation"]);
    for (const dc of dcs) expect(subnetNamesOf(dc)).toEqual(["identity"]);
    expect(kms[0].nics.flatMap((n) => n.ipConfigs.map((c) => c.privateIp))).toEqual(["10.50.5.4"]);
    expect(dcs.flatMap((d) => d.nics.flatMap((n) => n.ipConfigs.map((c) => [c.allocation, c.privateIp]))).sort())
      .toEqual([["Static", "10.50.2.4"], ["Static", "10.50.2.5"]]);
    // The admin passwords are different sensitive variables.
    expect(kms[0].resource.config.admin_password).toBe("${var.kms_admin_password}");
    for (const dc of dcs) expect(dc.resource.config.admin_password).toBe("${var.dc_admin_password}");
  });

  test("TCP 1688 is allowed only from the clients and management zones, only to the KMS address", () => {
    const zonePrefix = (name: string) => site.index.zones.find((z) => z.name === name)!.prefixes.map((p) => p.text);
    const allowlist = [...zonePrefix("clients"), ...zonePrefix("management")].sort();
    expect(allowlist).toEqual(["10.50.1.0/24", "10.50.9.0/24"]);

    const allows1688 = site.index.rules.filter((r) => r.direction === "Inbound" && r.access === "Allow" && ruleCoversPort(r, "Tcp", 1688) !== false);
    expect(allows1688.length).toBeGreaterThan(0);
    // Every rule that could let 1688 in is in the activation zone's NSG, from an allowlisted prefix, to the KMS /32.
    for (const r of allows1688) {
      expect(ruleCoversPort(r, "Tcp", 1688)).toBe(true);
      expect(r.nsg?.zoneName).toBe("activation");
      expect(r.destinations.map((d) => d.text)).toEqual(["10.50.5.4/32"]);
    }
    const sources = allows1688.flatMap((r) => r.sources.map((s) => s.text)).sort();
    expect(sources).toEqual(allowlist);
    // The identity zone (the DCs) opens no activation port at all.
    const identityNsg = site.index.nsgs.find((n) => n.zoneName === "identity")!;
    expect(identityNsg.rules.some((r) => r.access === "Allow" && ruleCoversPort(r, "Tcp", 1688) !== false)).toBe(false);
    // The Windows Firewall rule on the host is scoped to the same allowlist.
    expect(site.stack.kms.allowedPrefixes.sort()).toEqual(allowlist);
    expect(site.stack.kms.hardeningScript).toContain("$allow = @('10.50.1.0/24', '10.50.9.0/24')");
  });

  test("outputs the KMS address and client command, and no secret", () => {
    const outputs = site.json.output as Record<string, { value: unknown; sensitive?: boolean }>;
    expect(Object.values(outputs).map((o) => o.value).sort()).toEqual(["10.50.5.4", "slmgr /skms 10.50.5.4:1688"]);
    expect(JSON.stringify(outputs)).not.toMatch(/var\.|password|sensitive/i);
    // The passwords are sensitive variables without defaults: nothing secret is in the configuration.
    for (const name of ["dc_admin_password", "kms_admin_password"]) {
      expect(site.json.variable[name]).toMatchObject({ type: "string", sensitive: true });
      expect(site.json.variable[name].default).toBeUndefined();
    }
  });

  test("the VNet resolves names through the domain controllers, which the KMS host reaches on port 53 only", () => {
    const [vnet] = Object.values(site.json.resource.azurerm_virtual_network) as any[];
    expect(vnet.dns_servers).toEqual(["10.50.2.4", "10.50.2.5"]);
    // The KMS host uses the VNet's DNS servers (its NIC sets none): the identity zone lets its
    // address in on UDP and TCP 53, to the DCs' addresses, and no other port.
    const kms = site.index.vms.find((v) => v.roles.includes("kms-host"))!;
    expect(kms.nics.map((n) => n.resource.config.dns_servers)).toEqual([undefined]);
    const identityNsg = site.index.nsgs.find((n) => n.zoneName === "identity")!;
    const fromKms = identityNsg.rules.filter((r) => r.access === "Allow" && r.direction === "Inbound" && r.sources.some((s) => s.text === "10.50.5.4/32"));
    expect(fromKms.map((r) => `${r.protocol} ${r.resource.config.destination_port_range} -> ${r.destinations.map((d) => d.text).join(",")}`).sort())
      .toEqual(["Tcp 53 -> 10.50.2.4/32,10.50.2.5/32", "Udp 53 -> 10.50.2.4/32,10.50.2.5/32"]);
  });

  test("runs as a cdktf app: synthesizes with the checks and writes the reports", () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "kms-split-from-dc."));
    tempDirs.push(outdir);
    const run = spawnSync(process.execPath, [
      require.resolve("ts-node/dist/bin.js"), "--transpile-only", "--project", path.join(ROOT, "test", "tsconfig.json"),
      path.join(ROOT, "examples", "kms-split-from-dc", "main.ts"),
    ], { cwd: ROOT, env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" }, encoding: "utf8", timeout: 110_000 });
    expect(run.stderr).not.toMatch(/\[SDZ-/);
    expect(run.status).toBe(0);
    const dir = path.join(outdir, STACK_DIR);
    expect(JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).output).toBeDefined();
    const report = JSON.parse(fs.readFileSync(path.join(dir, "compliance-report.json"), "utf8"));
    expect(report.passed).toBe(true);
    expect(report.counts).toMatchObject({ errors: 0 });
    expect(fs.existsSync(path.join(dir, "compliance-report.sarif"))).toBe(true);
    expect(fs.readFileSync(path.join(dir, "compliance-report.md"), "utf8")).toContain("**PASSED**");
  });
});
