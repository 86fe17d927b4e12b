import * as path from "path";
import { TerraformStack } from "cdktf";
import { addCustomSynthesis } from "cdktf/lib/synthesize/synthesizer";
import { Construct } from "constructs";
import { writeFileAtomic } from "./atomic-file";

/**
 * Writes a file into the stack's output folder (next to `cdk.tf.json`) at synth time, e.g. a
 * ConfigMgr PowerShell snippet for the site administrator. Content is produced lazily, at synth.
 * @internal
 */
export function addStackArtifact(scope: Construct, id: string, fileName: string, content: () => string): void {
  if (!/^[A-Za-z0-9._-]+$/.test(fileName)) throw new Error(`Invalid artifact fileName: ${JSON.stringify(fileName)}. Allowed: letters, digits, '.', '_', '-'`);
  const stack = TerraformStack.of(scope);
  const holder = new Construct(scope, id);
  addCustomSynthesis(holder, {
    onSynthesize: (session) => {
      const dir = path.join(session.outdir, session.manifest.forStack(stack).workingDirectory);
      writeFileAtomic(path.join(dir, fileName), content());
    },
  });
}
