import * as fs from "fs";
import * as path from "path";
import { README_DIAGRAM, README_DIAGRAM_COMMAND, synthesizeReferenceSite } from "../../scripts/generate-readme-diagram";
import { DIAGRAM_FILES } from "../../src/reports/diagram";

const ROOT = path.resolve(__dirname, "..", "..");

describe("the README's zone-flow diagram of the reference site", () => {
  const dir = synthesizeReferenceSite();

  test(`is current (regenerate with ${README_DIAGRAM_COMMAND})`, () => {
    const committed = fs.readFileSync(path.join(ROOT, README_DIAGRAM.mermaid), "utf8");
    const fresh = fs.readFileSync(path.join(dir, DIAGRAM_FILES.mermaid), "utf8");
    expect(committed).toBe(fresh);
  });

  test("is embedded in the README (Mermaid source and the rendered SVG)", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const mermaid = fs.readFileSync(path.join(ROOT, README_DIAGRAM.mermaid), "utf8");
    expect(readme).toContain(README_DIAGRAM.svg.split(path.sep).join("/"));
    expect(readme).toContain("```mermaid\n" + mermaid.trimEnd() + "\n```");
    expect(fs.readFileSync(path.join(ROOT, README_DIAGRAM.svg), "utf8")).toMatch(/<svg[\s\S]*activation[\s\S]*<\/svg>/);
  });
});
