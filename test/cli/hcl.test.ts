import * as fs from "fs";
import * as path from "path";
import { copyFixture, runCli, runInProcess, tempDir } from "./run-cli";
import { parseJson } from "../../src/cli/inputs";
import { readInputFile } from "../../src/cli/read-input";
import { readConfiguration } from "../../src/cli/terraform-config";
import { TerraformModel } from "../../src/engine/model";

function json(stdout: string): any {
  return JSON.parse(stdout);
}

/** [configuration, rule, status, address] of every open finding. */
function open(doc: any): string[][] {
  return doc.configurations.flatMap((c: any) => c.report.findings.filter((f: any) => f.status !== "suppressed").map((f: any) => [c.name, f.ruleId, f.status, f.address])).sort();
}

/** Reads a configuration from files the way the command line does. */
function read(files: string[]) {
  const list = (dir: string) => {
    try {
      return { files: fs.readdirSync(dir).filter((f) => /\.tf(\.json)?$/.test(f)).map((f) => path.join(dir, f)).sort() };
    } catch {
      return { error: "no such file or folder" };
    }
  };
  const r = readConfiguration(files, list, (f) => ({ text: readInputFile(f, 1e8) }), parseJson, { name: "t" });
  return { ...r, model: TerraformModel.fromResources(r.resources, "t", r.locals) };
}

function write(dir: string, files: Record<string, string>): string[] {
  return Object.entries(files).map(([name, text]) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  });
}

const RDP = (name: string, source: string) => `resource "azurerm_network_security_rule" "${name}" {
  name                        = "${name}"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "3389"
  source_address_prefix       = ${source}
  destination_address_prefix  = "*"
  resource_group_name         = "rg"
  network_security_group_name = "nsg"
}
`;

describe("HCL folders: recursive scan, local modules, override files, new block types", () => {
  test("a tree of HCL, JSON and a plan: the right configurations, findings and skipped inputs", () => {
    const tree = copyFixture("hcl-tree");
    // Caches and dependencies are never read (they hold copies of modules).
    write(tree, { "live/.terraform/modules/cached/main.tf": RDP("cached", "\"Internet\""), "live/node_modules/pkg/main.tf": RDP("vendored", "\"Internet\"") });
    const r = runInProcess(["check", tree, "--format", "json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(1);
    const doc = json(r.stdout);
    expect(doc.configurations.map((c: any) => [c.name, c.kind])).toEqual([
      [path.join(tree, "live"), "terraform"],
      [path.join(tree, "plan", "plan.json"), "plan"],
    ]);
    expect(doc.configurations[0].files).toEqual(["blocks.tf", "main.tf", "winrm.tf.json", "main_override.tf", "../modules/net/main.tf", "../modules/net/variables.tf"]
      .map((f) => path.join(tree, "live", f)));
    // The override opened ssh to the Internet; the module's rule gets its source from the call and its port from the default.
    // Remote modules are listed as not checked and are could-not-verify findings (SDZ-INPUT-001).
    expect(open(doc)).toEqual([
      [path.join(tree, "live"), "SDZ-INPUT-001", "unverified", "module.hub"],
      [path.join(tree, "live"), "SDZ-INPUT-001", "unverified", "module.private"],
      [path.join(tree, "live"), "SDZ-NET-001", "fail", "azurerm_network_security_rule.ssh"],
      [path.join(tree, "live"), "SDZ-NET-001", "fail", "module.net.azurerm_network_security_rule.rdp"],
    ]);
    expect(doc.skippedInputs).toEqual([
      { file: path.join(tree, "live", "main.tf"), message: "module.hub: remote module source \"Azure/avm-res-network-virtualnetwork/azurerm\" is not checked (check the plan to include it: terraform show -json <planfile>)" },
      { file: path.join(tree, "live", "main.tf"), message: "module.private: remote module source \"git::https://github.com/contoso/private-modules.git//nsg\" is not checked (check the plan to include it: terraform show -json <planfile>)" },
      { file: path.join(tree, "live", "package.json"), message: "not a Terraform plan (`terraform show -json <planfile>` output): not checked" },
    ]);
    expect(r.stdout).not.toContain("ghp_NotARealToken123");
  });

  test("the table lists every input not checked, and the summary counts them", () => {
    const tree = copyFixture("hcl-tree");
    const r = runInProcess(["check", tree]);
    expect(r.stdout).toContain(`Not checked:\n  ${path.join(tree, "live", "main.tf")}: module.hub: remote module source`);
    expect(r.stdout).toMatch(/^FAILED: 2 errors, .* in 2 configurations \(7 resources\); 3 inputs not checked \(listed above\)$/m);
  });

  test("a root module folder alone follows its module outside the folder; a module alone has unknown inputs", () => {
    const tree = copyFixture("hcl-tree");
    const live = json(runInProcess(["check", path.join(tree, "live"), "--format", "json"]).stdout);
    expect(open(live).map((f) => f[3])).toEqual(["module.hub", "module.private", "azurerm_network_security_rule.ssh", "module.net.azurerm_network_security_rule.rdp"]);
    const mod = json(runInProcess(["check", path.join(tree, "modules", "net"), "--format", "json"]).stdout);
    // Checked alone, the module's inputs (source and port) are unknown: one could-not-verify, SDZ-NET-001's, which lists every
    // sensitive service the rule may open (before: SDZ-DOM-001, SDZ-OOB-001 and SDZ-OOB-002 said so again about the same rule).
    const here = path.join(tree, "modules", "net");
    expect(open(mod)).toEqual([[here, "SDZ-NET-001", "unverified", "azurerm_network_security_rule.rdp"]]);
  });

  test("module references, locals and variables resolve inside the module", () => {
    const tree = copyFixture("hcl-tree");
    const { model, errors } = read(["blocks.tf", "main.tf", "main_override.tf", "winrm.tf.json"].map((f) => path.join(tree, "live", f)));
    expect(errors).toEqual([]);
    expect(model.resources.map((r) => r.address).sort()).toEqual([
      "azurerm_network_security_group.edge", "azurerm_network_security_rule.ssh", "azurerm_network_security_rule.winrm",
      "module.net.azurerm_network_security_group.zone", "module.net.azurerm_network_security_rule.rdp",
    ]);
    const rdp = model.byAddress("module.net.azurerm_network_security_rule.rdp")!;
    expect(model.resolveString(rdp.config.network_security_group_name)).toEqual({ known: true, value: "nsg-zone" });
    expect(model.resolveString(rdp.config.source_address_prefix)).toEqual({ known: true, value: "Internet" }); // module local <- var <- call
    expect(model.resolveString(rdp.config.destination_port_range)).toEqual({ known: true, value: "3389" }); // variable default
    const winrm = model.byAddress("azurerm_network_security_rule.winrm")!;
    expect(model.resolveString(winrm.config.source_address_prefix)).toEqual({ known: true, value: "10.0.9.0/24" }); // the root's own local
    expect(rdp.source).toBe(path.join(tree, "modules", "net", "main.tf"));
  });
});

describe("override files merge as Terraform merges them", () => {
  test("arguments replaced, nested block types replaced, lifecycle merged, each local on its own, in name order", () => {
    const dir = tempDir();
    const files = write(dir, {
      "main.tf": `locals {
  a = "base-a"
  b = "base-b"
}
resource "azurerm_network_security_group" "nsg" {
  name     = "nsg"
  location = "westeurope"
  security_rule {
    name   = "one"
    access = "Allow"
  }
  security_rule {
    name   = "two"
    access = "Allow"
  }
  lifecycle {
    create_before_destroy = true
    prevent_destroy       = false
  }
}
`,
      "b_override.tf": `resource "azurerm_network_security_group" "nsg" {
  location = "northeurope"
}
locals {
  a = "from-b"
}
`,
      "a_override.tf.json": JSON.stringify({
        resource: { azurerm_network_security_group: { nsg: { location: "eastus", security_rule: [{ name: "only", access: "Deny" }], lifecycle: [{ prevent_destroy: true }] } } },
        locals: { a: "from-a" },
      }),
      "override.tf": `locals {
  b = "from-override"
}
`,
    });
    const { model, errors, files: order } = read(files);
    expect(errors).toEqual([]);
    // Non-override files first, then override files by name: a_override.tf.json, b_override.tf, override.tf.
    expect(order.map((f) => path.basename(f))).toEqual(["main.tf", "a_override.tf.json", "b_override.tf", "override.tf"]);
    const nsg = model.byAddress("azurerm_network_security_group.nsg")!.config;
    expect(nsg.location).toBe("northeurope");
    expect(nsg.security_rule).toEqual([{ name: "only", access: "Deny" }]);
    expect(nsg.lifecycle).toEqual([{ create_before_destroy: true, prevent_destroy: true }]);
    expect(model.resolve("${local.a}")).toEqual({ known: true, value: "from-b" });
    expect(model.resolve("${local.b}")).toEqual({ known: true, value: "from-override" });
  });

  test("an override of a block no other file declares is an error, as in Terraform", () => {
    const dir = tempDir();
    const files = write(dir, { "main.tf": "", "x_override.tf": RDP("ghost", "\"Internet\"") });
    const r = runInProcess(["check", ...files]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${files[1]}: resource azurerm_network_security_rule.ghost overrides nothing: no such block in the other files of this module`);
  });

  test("two files declaring one resource is an error, as in Terraform", () => {
    const dir = tempDir();
    write(dir, { "a.tf": RDP("dup", "\"10.0.0.0/8\""), "b.tf.json": JSON.stringify({ resource: { azurerm_network_security_rule: { dup: { name: "x" } } } }) });
    const r = runInProcess(["check", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, "b.tf.json")}: duplicate resource azurerm_network_security_rule.dup (already declared in ${path.join(dir, "a.tf")})`);
  });
});

describe("HCL input details", () => {
  test("a syntax error names file, line and column, never the text around it", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf");
    fs.writeFileSync(file, "resource \"azurerm_windows_virtual_machine\" \"vm\" {\n  admin_password = \"Hcl-Secret-Pw-77\" oops\n}\n");
    const r = runInProcess(["check", file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^secure-deployment-zones: error: ${file.replace(/[/.]/g, "\\$&")}: not HCL: [A-Za-z ,'()-]+ \\(line 2 column \\d+\\)\\n$`));
    expect(r.stderr + r.stdout).not.toContain("Hcl-Secret");
  });

  test("a top-level block type Terraform does not know is listed; a JSON file of only unknown keys is not Terraform", () => {
    const dir = tempDir();
    write(dir, { "main.tf.json": JSON.stringify({ resource: {}, future_block: { x: {} } }) });
    const doc = json(runInProcess(["check", dir, "--format", "json"]).stdout);
    expect(doc.inputErrors).toEqual([]);
    expect(doc.skippedInputs).toEqual([{ file: path.join(dir, "main.tf.json"), message: "top-level block \"future_block\" is not a Terraform block this checker knows: ignored" }]);
  });

  test("a module cycle and a missing module folder are errors naming the call", () => {
    const dir = tempDir();
    write(dir, {
      "a/main.tf": "module \"b\" {\n  source = \"../b\"\n}\nmodule \"gone\" {\n  source = \"./missing\"\n}\n",
      "b/main.tf": "module \"a\" {\n  source = \"../a\"\n}\n",
    });
    const r = runInProcess(["check", path.join(dir, "a")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${path.join(dir, "b", "main.tf")}: module.b.module.a: module source ../a calls itself (a module cycle)`);
    expect(r.stderr).toContain(`${path.join(dir, "a", "main.tf")}: module.gone: module source ./missing: no such file or folder`);
  });

  test("a cdktf stack synthesized as HCL (cdk.tf) is read too", () => {
    const dir = tempDir();
    // The rule's NSG is in the stack: an NSG outside the configuration could deny what its rule allows (could not verify).
    const nsg = 'resource "azurerm_network_security_group" "nsg" {\n  name                = "nsg"\n  location            = "westeurope"\n  resource_group_name = "rg"\n}\n';
    write(dir, { "cdktf.out/manifest.json": "{}", "cdktf.out/stacks/site/cdk.tf": nsg + RDP("open", "\"Internet\"") });
    const doc = json(runInProcess(["check", path.join(dir, "cdktf.out"), "--format", "json"]).stdout);
    expect(open(doc)).toEqual([[path.join(dir, "cdktf.out", "stacks", "site"), "SDZ-NET-001", "fail", "azurerm_network_security_rule.open"]]);
    expect(doc.configurations[0].kind).toBe("cdktf-stack");
  });

  test("HCL through the installed command (child process): the parser loads without network", () => {
    const tree = copyFixture("hcl-tree");
    const r = runCli(["check", path.join(tree, "live"), "--quiet"], { env: { HTTP_PROXY: "http://127.0.0.1:9", HTTPS_PROXY: "http://127.0.0.1:9", NO_PROXY: "" } });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED: 2 errors, .* in 1 configuration \(5 resources\); 3 inputs not checked/m);
  });
});

describe("plan JSON: empty strings in unused NSG rule fields are unset", () => {
  test("a rule with source_address_prefixes and source_address_prefix \"\" is verified, not 'could not verify'", () => {
    const tree = copyFixture("hcl-tree");
    const doc = json(runInProcess(["check", path.join(tree, "plan", "plan.json"), "--format", "json"]).stdout);
    expect(doc.configurations[0].report.resourceCount).toBe(2);
    expect(open(doc)).toEqual([]);
  });
});

describe("variables of an HCL root module", () => {
  test("are read: a secret-named variable with a default and no sensitive flag is reported, its value never shown", () => {
    const dir = tempDir();
    write(dir, {
      "variables.tf": 'variable "admin_password" {\n  type    = string\n  default = "Planted-Default-Secret-9"\n}\nvariable "location" {\n  default = "westeurope"\n}\n',
      "main.tf": 'resource "azurerm_resource_group" "rg" {\n  name     = "rg"\n  location = var.location\n}\n',
    });
    const r = runInProcess(["check", dir, "--format", "json"]);
    const doc = json(r.stdout);
    expect(open(doc).filter((f) => f[1] === "SDZ-SEC-002")).toEqual([[doc.configurations[0].name, "SDZ-SEC-002", "fail", "var.admin_password"]]);
    expect(r.stdout + r.stderr).not.toContain("Planted-Default-Secret-9");
  });
});

describe("provider and backend blocks of an HCL configuration", () => {
  test("literal credentials in provider blocks (root and local module) and the backend are reported, never shown; tfvars files are listed as not checked", () => {
    const dir = tempDir();
    const planted = ["Planted-Provider-Secret-1", "Planted-Backend-Key-2", "Planted-Module-Secret-3", "Planted-Override-Secret-4", "Planted-Tfvars-Secret-5"];
    write(dir, {
      "main.tf": [
        'terraform {\n  backend "azurerm" {\n    storage_account_name = "tfstate"\n    container_name = "s"\n    key = "k"\n'
          + `    access_key = "${planted[1]}"\n  }\n}\n`,
        `provider "azurerm" {\n  features {}\n  client_secret = "${planted[0]}"\n}\n`,
        'provider "azurerm" {\n  alias = "ok"\n  features {}\n  client_secret = var.client_secret\n}\n',
        'module "net" {\n  source = "./net"\n}\n',
        'variable "client_secret" {\n  type = string\n  sensitive = true\n}\n',
      ].join(""),
      "provider_override.tf": `provider "azurerm" {\n  client_certificate_password = "${planted[3]}"\n}\n`,
      "net/main.tf": `provider "azuread" {\n  client_secret = "${planted[2]}"\n}\nresource "azurerm_resource_group" "rg" {\n  name = "rg"\n  location = "westeurope"\n}\n`,
      "secrets.auto.tfvars": `client_secret = "${planted[4]}"\n`,
      "terraform.tfvars.json": JSON.stringify({ client_secret: planted[4] }),
    });
    const r = runInProcess(["check", dir, "--format", "json"]);
    const doc = json(r.stdout);
    const root = doc.configurations[0].name;
    // The provider block and its override are one address: one finding naming both files' fields.
    expect(open(doc).filter((f) => f[1] === "SDZ-SEC-002")).toEqual([
      [root, "SDZ-SEC-002", "fail", "module.net.provider.azuread"],
      [root, "SDZ-SEC-002", "fail", "provider.azurerm"],
      [root, "SDZ-SEC-002", "fail", "terraform.backend.azurerm"],
    ]);
    const note = "variable values (a .tfvars file) are not read: a secret written there is not checked by SDZ-SEC-002 (keep such a file out of source control)";
    expect(doc.skippedInputs).toEqual([
      { file: path.join(dir, "secrets.auto.tfvars"), message: note },
      { file: path.join(dir, "terraform.tfvars.json"), message: note },
    ]);
    for (const s of planted) expect(r.stdout + r.stderr).not.toContain(s);
  });
});

describe("override files (Terraform JSON): one SDZ-SEC-002 finding per address", () => {
  test("a provider and an output written in a file and in its override are one finding each, naming the override file's fields; an override's literal alone is reported on it", () => {
    const dir = tempDir();
    const planted = ["Planted-Main-Secret-1", "Planted-Override-Secret-2", "Planted-Output-Secret-3", "Planted-Override-Only-4"];
    write(dir, {
      "main.tf.json": JSON.stringify({
        provider: { azurerm: [{ features: [{}], client_secret: planted[0] }, { alias: "west", features: [{}], client_secret: "${var.client_secret}" }] },
        variable: { client_secret: { type: "string", sensitive: true } },
        output: { db_password: { value: planted[2], sensitive: true } },
        resource: { azurerm_resource_group: { rg: { name: "rg", location: "westeurope" } } },
      }),
      // Overrides replace arguments of the block with the same header; the literal they replace is still committed in main.tf.json.
      "providers_override.tf.json": JSON.stringify({
        provider: { azurerm: [{ client_secret: "${var.client_secret}", client_certificate_password: planted[1] }, { alias: "west", client_secret: planted[3] }] },
        output: { db_password: { value: "${var.client_secret}" } },
      }),
    });
    const r = runInProcess(["check", dir, "--no-config", "--format", "json"]);
    const doc = json(r.stdout);
    const root = doc.configurations[0].name;
    // Before: provider.azurerm twice (one per file).
    expect(open(doc).filter((f) => f[1] === "SDZ-SEC-002")).toEqual([
      [root, "SDZ-SEC-002", "fail", "output.db_password"],
      [root, "SDZ-SEC-002", "fail", "provider.azurerm"],
      [root, "SDZ-SEC-002", "fail", "provider.azurerm.west"],
    ]);
    const messages = doc.configurations[0].report.findings.filter((f: any) => f.ruleId === "SDZ-SEC-002").map((f: any) => f.message).sort();
    expect(messages).toEqual([
      "output.db_password writes a secret as literal values (not shown): value",
      "provider.azurerm writes secrets as literal values (not shown): client_secret; client_certificate_password (in providers_override.tf.json)",
      "provider.azurerm.west writes a secret as literal values (not shown): client_secret",
    ]);
    // Each finding points at the first file that writes a literal at its address.
    const sources = Object.fromEntries(doc.configurations[0].report.findings.filter((f: any) => f.ruleId === "SDZ-SEC-002").map((f: any) => [f.address, path.basename(f.source)]));
    expect(sources).toEqual({ "output.db_password": "main.tf.json", "provider.azurerm": "main.tf.json", "provider.azurerm.west": "providers_override.tf.json" });
    for (const s of planted) expect(r.stdout + r.stderr).not.toContain(s);
  });
});
