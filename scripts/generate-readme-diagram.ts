/**
 * Regenerates the reference site's zone-flow diagram embedded in the README
 * (docs/images/hybrid-osd-site-zone-flows.{mmd,svg}) by synthesizing the site with the checks,
 * exactly as `npm run synth` does, and replaces the README's ```mermaid copy of it. Run with
 * `npm run docs:diagram`. A test compares the committed Mermaid file with a fresh one and the README's
 * copy with the file, so the picture cannot go stale.
 */
import * as fs from "fs";
import * as path from "path";
import { Testing } from "cdktf";
import { HybridOsdSite } from "../examples/hybrid-osd-site/main";
import { SecureDeploymentChecks } from "../src/checks/aspect";
import { DIAGRAM_FILES } from "../src/reports/diagram";

/** Where the README's diagram lives, relative to the repository root. */
export const README_DIAGRAM = {
  mermaid: path.join("docs", "images", "hybrid-osd-site-zone-flows.mmd"),
  svg: path.join("docs", "images", "hybrid-osd-site-zone-flows.svg"),
};

/** The command that regenerates the files. */
export const README_DIAGRAM_COMMAND = "npm run docs:diagram";

/** Synthesizes the reference site with the checks and returns the folder holding its diagram. */
export function synthesizeReferenceSite(): string {
  const stack = new HybridOsdSite(Testing.app(), "hybrid-osd-site");
  new SecureDeploymentChecks().applyToStack(stack);
  return path.join(Testing.fullSynth(stack), "stacks", stack.node.id);
}

if (require.main === module) {
  const root = path.resolve(__dirname, "..");
  const dir = synthesizeReferenceSite();
  fs.mkdirSync(path.join(root, "docs", "images"), { recursive: true });
  fs.copyFileSync(path.join(dir, DIAGRAM_FILES.mermaid), path.join(root, README_DIAGRAM.mermaid));
  fs.copyFileSync(path.join(dir, DIAGRAM_FILES.svg), path.join(root, README_DIAGRAM.svg));
  const readme = path.join(root, "README.md");
  const text = fs.readFileSync(readme, "utf8");
  const mermaid = fs.readFileSync(path.join(root, README_DIAGRAM.mermaid), "utf8").trimEnd();
  // The README's copy starts with the diagram's own first comment line; it ends at the fence.
  const start = text.indexOf("```mermaid\n%% Zone flows of hybrid-osd-site");
  const end = start < 0 ? -1 : text.indexOf("\n```", start + "```mermaid\n".length);
  if (start < 0 || end < 0) throw new Error("README.md: no ```mermaid block of the hybrid-osd-site zone flows to replace");
  const replaced = `${text.slice(0, start)}\`\`\`mermaid\n${mermaid}${text.slice(end)}`;
  const tmp = `${readme}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, replaced);
  fs.renameSync(tmp, readme);
  process.stdout.write(`wrote ${README_DIAGRAM.mermaid}, ${README_DIAGRAM.svg} and the README's Mermaid copy\n`);
}
