import * as fs from "fs";
import * as path from "path";
import { addresses, cdktnExample, differences } from "../../scripts/cdktn-app-test";

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
});
