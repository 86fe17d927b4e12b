import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cdktnPackageJson, cdktnSpecifier, isForbiddenSpecifier, rewriteSource, writeRewrittenSource } from "../../scripts/build-cdktn";

describe("cdktn build: import rewrite", () => {
  test("maps cdktf, its deep paths and the azurerm provider to cdktn's; leaves other modules", () => {
    expect(cdktnSpecifier("cdktf")).toBe("cdktn");
    expect(cdktnSpecifier("cdktf/lib/synthesize/synthesizer")).toBe("cdktn/lib/synthesize/synthesizer");
    expect(cdktnSpecifier("@cdktf/provider-azurerm/lib/subnet")).toBe("@cdktn/provider-azurerm/lib/subnet");
    expect(cdktnSpecifier("@cdktf/hcl2json")).toBe("@cdktf/hcl2json");
    expect(cdktnSpecifier("cdktf-cli")).toBe("cdktf-cli");
    expect(cdktnSpecifier("constructs")).toBe("constructs");
  });

  test("only the HCL parser may stay; any other cdktf module is forbidden", () => {
    expect(["cdktf", "cdktf/lib/app", "@cdktf/provider-azurerm/lib/subnet", "@cdktf/provider-aws"].filter(isForbiddenSpecifier))
      .toEqual(["cdktf", "cdktf/lib/app", "@cdktf/provider-azurerm/lib/subnet", "@cdktf/provider-aws"]);
    expect(["cdktn", "@cdktf/hcl2json", "@cdktf/hcl2json/package.json", "cdktf-cli", "./cdktf"].filter(isForbiddenSpecifier)).toEqual([]);
  });

  test("rewrites imports, exports, import() types, require and require.resolve; not strings that only mention cdktf", () => {
    const source = [
      "import { App } from \"cdktf\";",
      "import { Subnet } from '@cdktf/provider-azurerm/lib/subnet';",
      "export { Manifest } from \"cdktf/lib/manifest\";",
      "type S = typeof import(\"cdktf/lib/synthesize/synthesizer\");",
      "const p = require.resolve(\"cdktf/package.json\");",
      "const h = require(\"@cdktf/hcl2json\");",
      "const marker = Symbol.for(\"cdktf/TerraformStack\");",
      "const text = \"run cdktf synth\";",
    ].join("\n");
    const { text, rewritten, forbidden } = rewriteSource("x.ts", source);
    expect(text.split("\n")).toEqual([
      "import { App } from \"cdktn\";",
      "import { Subnet } from '@cdktn/provider-azurerm/lib/subnet';",
      "export { Manifest } from \"cdktn/lib/manifest\";",
      "type S = typeof import(\"cdktn/lib/synthesize/synthesizer\");",
      "const p = require.resolve(\"cdktn/package.json\");",
      "const h = require(\"@cdktf/hcl2json\");",
      "const marker = Symbol.for(\"cdktf/TerraformStack\");",
      "const text = \"run cdktf synth\";",
    ]);
    expect(rewritten).toEqual(["cdktn", "@cdktn/provider-azurerm/lib/subnet", "cdktn/lib/manifest", "cdktn/lib/synthesize/synthesizer", "cdktn/package.json"]);
    expect(forbidden).toEqual([]);
  });

  test("the build fails naming the file and the module when a cdktf import survives", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdz-cdktn-"));
    try {
      fs.mkdirSync(path.join(dir, "src", "area"), { recursive: true });
      fs.writeFileSync(path.join(dir, "src", "ok.ts"), "import { App } from \"cdktf\";\n");
      fs.writeFileSync(path.join(dir, "src", "area", "bad.ts"), "import { X } from \"@cdktf/provider-aws/lib/x\";\n");
      expect(() => writeRewrittenSource(path.join(dir, "src"), path.join(dir, "out"))).toThrow(/cdktf imports survive[\s\S]*src\/area\/bad\.ts: "@cdktf\/provider-aws\/lib\/x"/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the package peers cdktn, its azurerm provider 16.x and constructs in cdktn's range, and depends on what the main package bundles", () => {
    const pkg = cdktnPackageJson({
      name: "secure-deployment-zones", version: "1.2.3", description: "CDK for Terraform (cdktf) constructs.", keywords: ["cdktf", "azure"],
      license: "Apache-2.0", dependencies: { "ipaddr.js": "^2.2.0" }, bin: { "secure-deployment-zones": "lib/cli/main.js" },
    });
    expect(pkg).toMatchObject({
      name: "secure-deployment-zones-cdktn", version: "1.2.3", keywords: ["azure", "cdktn", "cdk-terrain"],
      dependencies: { "ipaddr.js": "^2.2.0" },
      peerDependencies: { "cdktn": "^0.24.0", "@cdktn/provider-azurerm": "^16.1.0", "constructs": ">=10.6.0 <10.8.0" },
    });
    expect(pkg.description).toMatch(/^CDK Terrain \(cdktn\) constructs\./);
  });
});
