/**
 * `import.js <cdktf|bare|zones|all>`: what importing costs. `cdktf` requires cdktf alone (the
 * reference); `bare` requires the built library; `zones` also reads the exports a zones app uses
 * (each loads its module on first use); `all` reads every export (what an eager index loaded).
 */
import { library, report } from "./library";

const ZONES_APP = ["DeploymentNetwork", "DeploymentZone", "Peer", "Port", "TrustLevel", "SecureDeploymentChecks"];

const mode = process.argv[2];
if (mode === "cdktf") {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("cdktf");
} else {
  const sdz = library<Record<string, unknown>>("index");
  const names = mode === "all" ? Object.keys(sdz) : mode === "zones" ? ZONES_APP : [];
  for (const name of names) if (sdz[name] === undefined) throw new Error(`no export ${name}`);
}
report({ mode, modules: Object.keys(require.cache).length });
