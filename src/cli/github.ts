/**
 * GitHub Actions workflow commands: one annotation per open finding, on the resource's line
 * (`::error file=infra/main.tf,line=12,endLine=20,title=SDZ-NET-001 ...::message`).
 *
 * Values are escaped as GitHub's own toolkit escapes them (actions/toolkit, packages/core/src/command.ts):
 * in the message `%`, `\r` and `\n` become `%25`, `%0D`, `%0A`; in properties (file, title) `:` and
 * `,` also become `%3A` and `%2C`. A message can therefore never end the command early or start
 * another one. https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
 */
import * as path from "path";
import { CheckRun, SarifContext } from "./output";
import { FindingStatus } from "../engine/result";
import { RuleLevel } from "../engine/rule";
import { extrasOf, ReportedFinding } from "../reports/json-report";

/** Escapes a command's message. */
export function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a command property's value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `::name key=value,key=value::message`. */
export function workflowCommand(name: string, properties: Record<string, string | number | undefined>, message: string): string {
  const props = Object.entries(properties).filter(([, v]) => v !== undefined && v !== "").map(([k, v]) => `${k}=${escapeProperty(String(v))}`);
  return `::${name}${props.length > 0 ? ` ${props.join(",")}` : ""}::${escapeData(message)}`;
}

/** A file's path for an annotation: relative to the repository root, `/`-separated; undefined for standard input. */
function annotationPath(file: string | undefined, root: string): string | undefined {
  if (!file || file === "(stdin)") return undefined;
  const rel = path.relative(root, path.resolve(file));
  return (rel.startsWith("..") || path.isAbsolute(rel) ? path.resolve(file) : rel).split(path.sep).join("/");
}

/** The annotations of a run, one per line, then the summary line. */
export function toGithubAnnotations(run: CheckRun, context: SarifContext, summary: string): string {
  const lines: string[] = [];
  for (const e of run.errors) lines.push(workflowCommand("error", { file: annotationPath(e.file, context.root), title: "secure-deployment-zones: unusable input" }, e.message));
  for (const e of run.skipped) lines.push(workflowCommand("notice", { file: annotationPath(e.file, context.root), title: "secure-deployment-zones: not checked" }, e.message));
  for (const { configuration, result } of run.checked) {
    for (const f of result.findings as ReportedFinding[]) {
      if (f.status === FindingStatus.SUPPRESSED) continue;
      const source = f.source && configuration.files.includes(f.source) ? f.source : configuration.files[0];
      const region = context.regions.get(source)?.get(f.address);
      const command = f.baselined ? "notice" : f.level === RuleLevel.ERROR ? "error" : f.level === RuleLevel.WARNING ? "warning" : "notice";
      const known = f.baselined ? " (known: in the baseline)" : "";
      lines.push(workflowCommand(command, {
        file: annotationPath(source, context.root),
        line: region?.startLine,
        endLine: region?.endLine,
        title: `${f.ruleId} ${f.title}${known}`,
      }, `${f.message.replace(/[.\s]+$/, "")}. Resource: ${f.address}. Fix: ${f.fix}`));
    }
    for (const s of extrasOf(result).expiredSuppressions) {
      lines.push(workflowCommand("warning", { file: annotationPath(configuration.files[0], context.root), title: `${s.ruleId} suppression expired` },
        `The suppression on ${s.scope} expired after ${s.expires} (reason: ${s.reason}); it no longer suppresses.`));
    }
  }
  lines.push(summary);
  return lines.join("\n") + "\n";
}
