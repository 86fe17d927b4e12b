/**
 * The one script that applies a VM's Windows settings. Azure runs at most one CustomScriptExtension
 * per VM (a second one fails at apply), so every feature that needs Windows settings on a server
 * (KMS hardening, state migration point SMB hardening, out-of-band firewall rules...) adds a
 * *part* here, and the server renders a single extension from all parts.
 *
 * Each part must set its settings idempotently and read them back, throwing when they did not take;
 * the composed script stops at the first error (`$ErrorActionPreference = 'Stop'`), so the extension
 * fails at apply instead of reporting success.
 *
 * The script goes in the extension's public `settings` so that the checks (and reviewers) can read
 * what it applies: a part is literal text, never a token, and so never holds a secret.
 * @internal
 */
import { Token } from "cdktf";
import { invalidProp } from "../network/errors";

/** One part of the script. */
export interface WindowsSettingsPart {
  readonly name: string;
  readonly script: string;
}

/**
 * The `commandToExecute` of a Windows Custom Script Extension runs through the command processor,
 * whose command line is at most 8191 characters
 * (learn.microsoft.com/troubleshoot/windows-client/shell-experience/command-line-string-limitation).
 */
export const MAX_COMMAND_LENGTH = 8191;

const PART_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;

/** Checks a part before it is added; the error names the construct, the prop, the value and what is allowed. */
export function validatePart(constructPath: string, existing: readonly WindowsSettingsPart[], name: unknown, script: unknown): WindowsSettingsPart {
  if (typeof name !== "string" || !PART_NAME.test(name)) {
    throw invalidProp("name", name, "1-64 letters, digits, '.', '_', '-' (starting with a letter or digit)").inConstruct(constructPath);
  }
  if (existing.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
    throw invalidProp("name", name, `a part name not used yet on this server (used: ${existing.map((p) => p.name).join(", ")})`).inConstruct(constructPath);
  }
  if (typeof script !== "string" || script.trim().length === 0) {
    throw invalidProp("script", typeof script === "string" ? "(empty)" : script, "PowerShell text that sets settings and reads them back").inConstruct(constructPath);
  }
  if (Token.isUnresolved(script)) {
    throw invalidProp("script", "(a script holding a token)",
      "literal PowerShell text: the script is public (extension settings) so the checks can read what it applies; values known only at apply, and secrets, do not belong in it")
      .inConstruct(constructPath);
  }
  return { name, script };
}

/** The composed script: every part in its own script block, in the order they were added. */
export function composeScript(serverName: string, parts: readonly WindowsSettingsPart[]): string {
  const lines = [
    `# secure-deployment-zones: Windows settings of ${serverName}. One script per VM; each part sets its settings and reads them back.`,
    "$ErrorActionPreference = 'Stop'",
  ];
  for (const p of parts) lines.push(`# part: ${p.name}`, "& {", p.script.replace(/\r\n/g, "\n").trimEnd(), "}");
  return lines.join("\n") + "\n";
}

/** The command line that runs a script: PowerShell with the script base64-encoded (UTF-16LE), so no quoting can break it. */
export function encodedCommand(script: string): string {
  return `powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand ${Buffer.from(script, "utf16le").toString("base64")}`;
}

/** The command line for the parts, or an error naming the construct when it is too long for one extension. */
export function commandFor(constructPath: string, serverName: string, parts: readonly WindowsSettingsPart[]): string {
  const command = encodedCommand(composeScript(serverName, parts));
  if (command.length > MAX_COMMAND_LENGTH) {
    throw invalidProp("script", `(parts ${parts.map((p) => p.name).join(", ")}: a ${command.length}-character command)`,
      `parts whose encoded command fits in ${MAX_COMMAND_LENGTH} characters (the Windows command-line limit)`).inConstruct(constructPath);
  }
  return command;
}
