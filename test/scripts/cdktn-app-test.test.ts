import * as fs from "fs";
import * as path from "path";
import { addresses, cdktnExample, cdktnInstallCommands, differences, shellWords } from "../../scripts/cdktn-app-test";

describe("cdktn test app: helpers", () => {
  test("the reference site for cdktn imports cdktn, its provider and the cdktn package, nothing of cdktf", () => {
    const code = cdktnExample(fs.readFileSync(path.join(__dirname, "..", "..", "examples", "hybrid-osd-site", "main.ts"), "utf8"));
    const specifiers = [...code.matchAll(/from "([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers).toEqual(expect.arrayContaining(["cdktn", "@cdktn/provider-azurerm/lib/provider", "secure-deployment-zones-cdktn"]));
    expect(specifiers.filter((s) => s.includes("cdktf") || s.startsWith("."))).toEqual([]);
  });

  test("addresses name resources, data sources, variables, outputs, locals and providers", () => {
    expect(addresses({
      resource: { azurerm_subnet: { a: {}, b: {} } }, data: { azurerm_client_config: { c: {} } },
      variable: { v: {} }, output: { o: {} }, locals: { l: 1 }, provider: { azurerm: [{}] },
    })).toEqual(["azurerm_subnet.a", "azurerm_subnet.b", "data.azurerm_client_config.c", "local.l", "output.o", "provider.azurerm", "var.v"]);
  });

  test("differences ignore metadata, provider pins and the local state path, and name every other differing path", () => {
    const a = { "//": { x: 1 }, "terraform": { required_providers: { azurerm: { version: "4.73.0" } }, backend: { local: { path: "/a" } } }, "resource": { t: { n: { p: [1, 2], q: "x" } } } };
    const b = { "//": { x: 2 }, "terraform": { required_providers: { azurerm: { version: "4.55.0" } }, backend: { local: { path: "/b" } } }, "resource": { t: { n: { p: [1, 3] } } } };
    expect(differences(a, b)).toEqual([".resource.t.n.p.1", ".resource.t.n.q"]);
    expect(differences(a, a)).toEqual([]);
  });

  test("the README's cdktn section installs with an override, then cdktn and constructs, then the library", () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");
    const commands = cdktnInstallCommands(readme);
    expect(commands[0]).toEqual(["npm", "pkg", "set", "overrides.@cdktn/provider-azurerm.cdktn=^0.24.0"]);
    expect(commands.map((c) => c.slice(0, 2).join(" "))).toEqual(["npm pkg", "npm install", "npm install"]);
    expect(commands[1]).toEqual(expect.arrayContaining(["cdktn@0.24.0", "constructs@>=10.6.0 <10.8.0"]));
    expect(commands[2]).toEqual(["npm", "install", "secure-deployment-zones-cdktn"]);
    const wrongOrder = "## CDK Terrain (cdktn)\n\n```sh\nnpm install secure-deployment-zones-cdktn\nnpm install cdktn constructs\n```\n";
    expect(() => cdktnInstallCommands(wrongOrder)).toThrow(/install cdktn and constructs, then secure-deployment-zones-cdktn/);
  });

  test("shell words: quotes group, and are removed", () => {
    expect(shellWords("npm install 'constructs@>=10.6.0 <10.8.0' \"a b\"c  d")).toEqual(["npm", "install", "constructs@>=10.6.0 <10.8.0", "a bc", "d"]);
  });
});
