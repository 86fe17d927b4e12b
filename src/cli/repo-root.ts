/** Where SARIF URIs are relative to: the repository root. */
import * as fs from "fs";
import * as path from "path";

/**
 * The root of the git repository holding `start` (the nearest folder, walking up, that contains a
 * `.git` folder or file: worktrees and submodules have a `.git` file), or undefined outside one.
 */
export function findGitRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, ".git"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/**
 * A file's URI for SARIF: relative to `root` with `/` separators and each segment percent-encoded
 * (GitHub code scanning resolves relative URIs against the repository root), or an absolute
 * `file://` URI for a file outside `root`.
 */
export function sarifUri(file: string, root: string): string {
  const abs = path.resolve(file);
  const rel = path.relative(root, abs);
  if (rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel)) return rel.split(path.sep).map(encodeURIComponent).join("/");
  const parts = abs.split(path.sep).map(encodeURIComponent).join("/");
  return `file://${parts.startsWith("/") ? "" : "/"}${parts}`;
}
