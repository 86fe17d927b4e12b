/**
 * Issue 20: the cdktf build's checks on a CDK Terrain (cdktn) app. cdktn, its azurerm provider and its
 * constructs (10.7, not the root's 10.4) come from the cdktn/ install (`npm ci --prefix cdktn`, which
 * the test task runs when it is missing), so this is the mixed case users meet: two engines, two
 * copies of constructs, one process.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App as CdktfApp, TerraformStack as CdktfStack } from "cdktf";
import { SecureDeploymentChecks, ConstructErrors } from "../../src";
import { SensitiveValue } from "../../src/core/sensitive-value";

/* eslint-disable @typescript-eslint/no-require-imports -- cdktn is loaded by path from its own install */
const CDKTN = path.join(__dirname, "..", "..", "cdktn", "node_modules");
const cdktn = require(path.join(CDKTN, "cdktn"));
const provider = (m: string) => require(path.join(CDKTN, "@cdktn", "provider-azurerm", "lib", m));
const { NetworkSecurityGroup } = provider("network-security-group");
const { Subnet } = provider("subnet");
const { SubnetNetworkSecurityGroupAssociation } = provider("subnet-network-security-group-association");
const { VirtualNetwork } = provider("virtual-network");
const { AzurermProvider } = provider("provider");
const { DataAzurermKeyVaultSecret } = provider("data-azurerm-key-vault-secret");

/** Output folders of the tests, removed at the end. */
const outdirs: string[] = [];
const tempOutdir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-mixed-"));
  outdirs.push(dir);
  return dir;
};
afterAll(() => outdirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A cdktn app and stack with a subnet whose NSG admits `source` on RDP. */
function cdktnStack(source: string, appProps: Record<string, unknown> = {}) {
  const outdir = tempOutdir();
  const app = new cdktn.App({ outdir, ...appProps });
  const stack = new cdktn.TerraformStack(app, "site");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const vnet = new VirtualNetwork(stack, "net", { name: "net", location: "westeurope", resourceGroupName: "rg", addressSpace: ["10.0.0.0/16"] });
  const subnet = new Subnet(stack, "app", { name: "app", resourceGroupName: "rg", virtualNetworkName: vnet.name, addressPrefixes: ["10.0.1.0/24"] });
  const nsg = new NetworkSecurityGroup(stack, "app-nsg", {
    name: "app-nsg", location: "westeurope", resourceGroupName: "rg",
    securityRule: [{
      name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp",
      sourcePortRange: "*", destinationPortRange: "3389", sourceAddressPrefix: source, destinationAddressPrefix: "*",
    }],
  });
  new SubnetNetworkSecurityGroupAssociation(stack, "app-nsg-assoc", { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
  return { app, stack, outdir, report: () => JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "site", "compliance-report.json"), "utf8")) };
}

const errorsOf = (report: { findings: { level: string; ruleId: string; address: string }[] }) =>
  report.findings.filter((f) => f.level === "error").map((f) => `${f.ruleId} ${f.address}`);

describe("the cdktf build's checks on a cdktn app", () => {
  test("the test really mixes engines: cdktn's stack and constructs are not the root's", () => {
    const { stack } = cdktnStack("10.9.0.0/24");
    expect(require(path.join(CDKTN, "cdktn", "package.json")).name).toBe("cdktn");
    expect(require(path.join(CDKTN, "constructs", "package.json")).version).not.toBe(require("constructs/package.json").version);
    expect(stack instanceof CdktfStack).toBe(false);
  });

  test("applyToApp: a hand-written RDP-from-Internet rule fails cdktn's synth with SDZ-NET-001, and the reports are written", () => {
    const { app, report } = cdktnStack("Internet");
    SecureDeploymentChecks.applyToApp(app);
    expect(() => app.synth()).toThrow(/\[SDZ-NET-001\] Management port open to any or the Internet: .*RDP.*Fix:/s);
    expect(errorsOf(report())).toEqual(["SDZ-NET-001 azurerm_network_security_group.app-nsg"]);
  });

  test("applyToStack: a passing cdktn stack synthesizes, with the reports and the closing line", () => {
    const { app, stack, report } = cdktnStack("10.9.0.0/24");
    const checks = new SecureDeploymentChecks();
    checks.applyToStack(stack);
    checks.applyToStack(stack);
    app.synth();
    expect(report().counts.errors).toBe(0);
    expect(checks.resultFor(stack)?.resourceCount).toBe(4);
    const lines = stack.node.metadata.map((m: { data: unknown }) => String(m.data)).filter((d: string) => d.startsWith("[secure-deployment-zones]"));
    expect(lines).toEqual([expect.stringMatching(/^\[secure-deployment-zones\] site: PASSED: 0 error\(s\)/)]);
  });

  test("a cdktn synth that skips validations fails as not checked, never passes silently", () => {
    const { app } = cdktnStack("Internet", { skipValidation: true });
    SecureDeploymentChecks.applyToApp(app);
    expect(() => app.synth()).toThrow(/site: NOT CHECKED: this synth skipped the stack's validations/);
  });

  test.each([true, false])("the same on cdktf (writeReports %s): a synth that skips validations fails as not checked", (writeReports) => {
    const app = new CdktfApp({ outdir: tempOutdir(), skipValidation: true });
    new CdktfStack(app, "plain");
    SecureDeploymentChecks.applyToApp(app, { writeReports });
    expect(() => app.synth()).toThrow(/plain: NOT CHECKED/);
  });

  test("with validations on, a passing stack with reports off synthesizes (the guard only fails an unchecked synth)", () => {
    const app = new CdktfApp({ outdir: tempOutdir() });
    new CdktfStack(app, "plain");
    const checks = SecureDeploymentChecks.applyToApp(app, { writeReports: false });
    app.synth();
    app.synth();
    expect(fs.existsSync(path.join(app.outdir, "stacks", "plain", "compliance-report.json"))).toBe(false);
    expect(checks.resultFor(app.node.findChild("plain") as CdktfStack)?.counts.errors).toBe(0);
  });

  test("anything that is not a stack of either engine is refused, naming the prop", () => {
    const { app } = cdktnStack("Internet");
    let error: unknown;
    try {
      new SecureDeploymentChecks().applyToStack(app);
    } catch (e) {
      error = e;
    }
    expect(ConstructErrors.describe(error)).toMatchObject({ prop: "stack", allowed: expect.stringMatching(/TerraformStack of cdktf or of CDK Terrain/) });
  });
});

describe("SensitiveValue.fromVariable takes a cdktn TerraformVariable", () => {
  test("sensitive without a default: accepted, as a reference to the variable", () => {
    const { stack } = cdktnStack("10.9.0.0/24");
    const v = new cdktn.TerraformVariable(stack, "admin_password", { type: "string", sensitive: true });
    const value = SensitiveValue.fromVariable(v);
    expect(`${value}`).toBe("<sensitive: var.admin_password>");
    expect(cdktn.Tokenization.resolve(value.value, { scope: stack, resolver: new cdktn.DefaultTokenResolver(new cdktn.StringConcat()) })).toBe("${var.admin_password}");
  });

  test("not sensitive, or with a default: refused as for cdktf's variables", () => {
    const { stack } = cdktnStack("10.9.0.0/24");
    const plain = new cdktn.TerraformVariable(stack, "plain", { type: "string" });
    const withDefault = new cdktn.TerraformVariable(stack, "dflt", { type: "string", sensitive: true, default: "Winter2025!Pa55" });
    for (const v of [plain, withDefault]) {
      let error: unknown;
      try {
        SensitiveValue.fromVariable(v);
      } catch (e) {
        error = e;
      }
      expect(ConstructErrors.describe(error)).toMatchObject({ prop: "variable", code: "SDZ-PROP-SECRET" });
      expect(String(error)).not.toContain("Winter2025");
    }
    // Something that only looks like a variable (not a Terraform element) is not one.
    expect(() => SensitiveValue.fromVariable({ sensitive: true, friendlyUniqueId: "x", stringValue: "${var.x}" } as never)).toThrow(/TerraformVariable/);
  });

  test("fromKeyVaultSecret takes cdktn's azurerm_key_vault_secret data source, and nothing else of cdktn", () => {
    const { stack } = cdktnStack("10.9.0.0/24");
    const secret = new DataAzurermKeyVaultSecret(stack, "AdminSecret", { name: "admin-password", keyVaultId: "/subscriptions/0/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv" });
    expect(`${SensitiveValue.fromKeyVaultSecret(secret)}`).toBe("<sensitive: Key Vault secret site/AdminSecret>");
    const nsg = stack.node.findChild("app-nsg");
    expect(() => SensitiveValue.fromKeyVaultSecret(nsg as never)).toThrow(/DataAzurermKeyVaultSecret/);
  });
});
