/**
 * The last write of an SMB server option on a VM. It was decided in three places: (a) the option's
 * `applied.set` pattern (a lookahead for a later write in the script), (b) the settings model (any
 * script writing another value blocked "applied"), (c) SDZ-MIG-009's own lastWrite (depends_on order).
 * Now the settings model owns it (`Settings.lastWrite`), SDZ-MIG-009 asks it, and `applied.set` only
 * says a script writes $true. Each case pins (a), (b) (`Settings.read`: applied / declared, "?" when
 * it says why it could not tell) and (c) (SDZ-MIG-009's outcome) on mixed inputs.
 */
import { MIGRATION_TAG } from "../../src/contract/migration-tags";
import { TRAITS } from "../../src/contract/setting-traits";
import { FindingStatus } from "../../src/engine/result";
import { Settings } from "../../src/engine/settings";
import { addRunCommand, addScript, addVm, HARDENING_SCRIPT, patch, storageSite } from "../rules/mig/builders";
import { check, messages, TfJson } from "../support/rule-harness";

const VM = "azurerm_windows_virtual_machine.smp01";
const REVERT = "Set-SmbServerConfiguration -RequireSecuritySignature $false -Force";
/** HARDENING_SCRIPT without its signing write: the other three settings stay applied, so SDZ-MIG-009 turns on signing alone. */
const HARDEN_OTHERS = HARDENING_SCRIPT.replace("-RequireSecuritySignature $true ", "");

/** A state migration point `smp01` declaring sdz-smb-signing-required=true, and an untagged VM `smp02` beside it. */
function site(build: (tf: TfJson, vm: string, other: string) => void): TfJson {
  const tf = storageSite();
  const vm = addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point", "sdz-smb-signing-required": "true" });
  build(tf, vm, addVm(tf, "smp02", "smp", "10.0.1.21"));
  return tf;
}

interface Outcome {
  /** applied.set of RequireSecuritySignature on each script of smp01, as written (comments kept). */
  readonly a: boolean[];
  /** Settings.read of sdz-smb-signing-required on smp01: provenance, and "?" when it says why it could not tell. */
  readonly b: string;
  /** SDZ-MIG-009 on smp01. */
  readonly c: "pass" | "fail" | "unverified";
}

function outcome(tf: TfJson): Outcome {
  const model = tf.model();
  const vm = model.byAddress(VM)!;
  const raw = [...model.ofType("azurerm_virtual_machine_extension"), ...model.ofType("azurerm_virtual_machine_run_command")]
    .filter((r) => model.referencedResource(r.config.virtual_machine_id) === vm)
    .flatMap((r) => {
      // Scripts the checks can read only: a run command from a URI or an extension without readable settings has none.
      const text: unknown = r.type === "azurerm_virtual_machine_run_command" ? r.config.source?.script
        : typeof r.config.settings === "string" && r.config.settings.startsWith("{") ? JSON.parse(r.config.settings).commandToExecute : undefined;
      return typeof text === "string" ? [text] : [];
    });
  const s = Settings.of(model).read(vm, MIGRATION_TAG.smbSigningRequired);
  const f = check(tf, ["SDZ-MIG-009"]).findings.filter((x) => x.address === VM && x.status !== FindingStatus.SUPPRESSED);
  return {
    a: raw.map((t) => TRAITS.smbSigningRequired.applied!.set.test(t)),
    b: `${s.provenance}${s.unknown ? "?" : ""}`,
    c: f.length === 0 ? "pass" : f[0].status === FindingStatus.FAIL ? "fail" : "unverified",
  };
}

/** (b) and (c) of {@link outcome}: what the settings model and SDZ-MIG-009 say. */
function bc(tf: TfJson): { b: string; c: Outcome["c"] } {
  const o = outcome(tf);
  return { b: o.b, c: o.c };
}

/** The hardening extension and a run command that sets signing to $false; `after` depends on the other. */
function twoScripts(after?: "revert" | "harden", revertAs: "run command" | "extension" = "run command") {
  return site((tf, vm) => {
    const harden = addScript(tf, "harden", vm, HARDENING_SCRIPT);
    const revert = revertAs === "extension" ? addScript(tf, "revert", vm, REVERT) : addRunCommand(tf, "revert", vm, REVERT);
    if (after === "revert") patch(tf, revert, { depends_on: [harden] });
    if (after === "harden") patch(tf, harden, { depends_on: [revert] });
  });
}

describe("last write of an SMB server option: where the three paths agreed", () => {
  test.each<[string, TfJson, Outcome]>([
    // (a) was false here and for the comment: its lookahead saw the later write. It no longer decides which write is last.
    ["one script, $true then $false", site((tf, vm) => addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\n${REVERT}`)), { a: [true], b: "declared", c: "fail" }],
    ["one script, $false then $true", site((tf, vm) => addScript(tf, "harden", vm, `${REVERT}\n${HARDENING_SCRIPT}`)), { a: [true], b: "applied", c: "pass" }],
    ["two scripts, the $false one ordered after by depends_on", twoScripts("revert"), { a: [true, false], b: "declared", c: "fail" }],
    ["a later $false in a comment", site((tf, vm) => addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\n# ${REVERT}`)), { a: [true], b: "applied", c: "pass" }],
    ["the $false written by a script on another VM", site((tf, vm, other) => {
      addScript(tf, "harden", vm, HARDENING_SCRIPT);
      addRunCommand(tf, "revert", other, REVERT);
    }), { a: [true], b: "applied", c: "pass" }],
    ["a later $false through -CimSession to the VM itself (its computer name, localhost)", site((tf, vm) => {
      addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession smp01 -RequireSecuritySignature $false -Force`);
    }), { a: [true], b: "declared", c: "fail" }],
    ["a later $false through -CimSession localhost", site((tf, vm) => {
      addScript(tf, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession localhost -RequireSecuritySignature $false -Force`);
    }), { a: [true], b: "declared", c: "fail" }],
  ])("%s", (_what, tf, expected) => {
    expect(outcome(tf)).toEqual(expected);
  });
});

/**
 * The answers decided for the cases above where the paths disagree (or are all wrong), as the settings
 * model's one policy gives them: within a script, textual order without comments (both readings of
 * what may be a comment must agree); across scripts, depends_on orders them, and two extensions of
 * one handler cannot both run; otherwise could not verify, naming the scripts. A write through
 * -CimSession to another computer is no write on this VM. "Was" gives the answers before, (b) / (c).
 */
describe("last write of an SMB server option: the one policy", () => {

  test("two scripts, the $true one ordered after by depends_on: applied, pass (was: declared / pass)", () => {
    expect(bc(twoScripts("harden"))).toEqual({ b: "applied", c: "pass" });
  });

  test("two scripts nothing orders: declared and could not verify, in both, naming them (was: declared as if the $false were last / unverified)", () => {
    const tf = twoScripts();
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
    const why = "azurerm_virtual_machine_extension.harden sets -RequireSecuritySignature $true and azurerm_virtual_machine_run_command.revert sets "
      + "-RequireSecuritySignature $false last, and no depends_on orders them, so which value Windows keeps is not known";
    const model = tf.model();
    expect(Settings.of(model).read(model.byAddress(VM)!, MIGRATION_TAG.smbSigningRequired).unknown).toBe(why);
    expect(messages(check(tf, ["SDZ-MIG-009"]), "SDZ-MIG-009")).toEqual([expect.stringContaining(`SMB signing required (RequireSecuritySignature): ${why}`)]);
  });

  test("$true written only after a '#' in a string: could not verify, in both (was: declared / pass)", () => {
    const tf = site((tf2, vm) => addScript(tf2, "harden", vm, `${HARDEN_OTHERS}\nWrite-Host '#'; Set-SmbServerConfiguration -RequireSecuritySignature $true -Force`));
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });

  test("$false written to another computer (-CimSession smp02) is no write on smp01: applied, pass (was: declared / fail)", () => {
    const tf = site((tf2, vm) => addScript(tf2, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession smp02 -RequireSecuritySignature $false -Force`));
    expect(bc(tf)).toEqual({ b: "applied", c: "pass" });
  });

  test("$true written only to another computer (-CimSession smp02): declared, and SDZ-MIG-009 fails on the tag alone (was: applied / pass)", () => {
    const tf = site((tf2, vm) => addScript(tf2, "harden", vm, HARDENING_SCRIPT.replace("-RequireSecuritySignature $true", "-CimSession smp02 -RequireSecuritySignature $true")));
    expect(bc(tf)).toEqual({ b: "declared", c: "fail" });
  });

  test("$false written through -CimSession $s (a computer the checks do not know): could not verify (was: declared / fail)", () => {
    const tf = site((tf2, vm) => addScript(tf2, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession $s -RequireSecuritySignature $false -Force`));
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });

  test("two CustomScriptExtensions writing it (Azure runs one per VM): could not verify, whatever depends_on says (was: declared / fail)", () => {
    const tf = twoScripts("revert", "extension");
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
    expect(messages(check(tf, ["SDZ-MIG-009"]), "SDZ-MIG-009")[0]).toMatch(/azurerm_virtual_machine_extension\.harden and azurerm_virtual_machine_extension\.revert are extensions of one handler \(microsoft\.compute\.customscriptextension\)/);
  });

  test("two CustomScriptExtensions, the $true one after: could not verify (was: declared / pass)", () => {
    expect(bc(twoScripts("harden", "extension"))).toEqual({ b: "declared?", c: "unverified" });
  });
});

/**
 * A script the checks cannot read (a run command from a URI, a script-running extension with protected
 * settings) may write the option after the readable one: unless depends_on runs the readable writer
 * after it, the last write is not known. Extensions that run no user script (domain join with its
 * password in protected settings) cast no such doubt.
 */
describe("last write of an SMB server option: scripts the checks cannot read", () => {
  const hiddenRunCommand = (tf: TfJson, vm: string) => tf.add("azurerm_virtual_machine_run_command", "fromuri", {
    name: "fromuri", location: "westeurope", virtual_machine_id: TfJson.ref(vm), source: { script_uri: "https://example.blob.core.windows.net/scripts/tune.ps1" },
  });

  test("a run command from a URI that nothing orders: could not verify, naming it (was: applied / pass)", () => {
    const tf = site((tf2, vm) => {
      addScript(tf2, "harden", vm, HARDENING_SCRIPT);
      hiddenRunCommand(tf2, vm);
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
    expect(messages(check(tf, ["SDZ-MIG-009"]), "SDZ-MIG-009")[0]).toMatch(/azurerm_virtual_machine_run_command\.fromuri source: a script URI or command ID the checks do not read; nothing orders it before azurerm_virtual_machine_extension\.harden, so it may write the setting last/);
  });

  test("the readable script depends on the run command from a URI: it writes last, applied, pass", () => {
    const tf = site((tf2, vm) => {
      const harden = addScript(tf2, "harden", vm, HARDENING_SCRIPT);
      const hidden = hiddenRunCommand(tf2, vm);
      patch(tf2, harden, { depends_on: [hidden] });
    });
    expect(bc(tf)).toEqual({ b: "applied", c: "pass" });
  });

  test("a run command script kept in protected settings of the Run Command handler: could not verify", () => {
    const tf = site((tf2, vm) => {
      addRunCommand(tf2, "harden", vm, HARDENING_SCRIPT);
      tf2.add("azurerm_virtual_machine_extension", "rc", {
        name: "rc", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.CPlat.Core", type: "RunCommandHandlerWindows", type_handler_version: "1.1",
        protected_settings: "${var.rc_settings}",
      });
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });

  test("the domain join extension's protected settings (its password) run no script: applied, pass", () => {
    const tf = site((tf2, vm) => {
      addScript(tf2, "harden", vm, HARDENING_SCRIPT);
      tf2.add("azurerm_virtual_machine_extension", "join", {
        name: "join", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "JsonADDomainExtension", type_handler_version: "1.3",
        settings: JSON.stringify({ Name: "corp.example", User: "corp\\join", Restart: "true", Options: "3" }), protected_settings: "${var.join_password}",
      });
    });
    expect(bc(tf)).toEqual({ b: "applied", c: "pass" });
  });

  test("an extension whose handler is not known before apply, with protected settings: could not verify (it may run a script)", () => {
    const tf = site((tf2, vm) => {
      addRunCommand(tf2, "harden", vm, HARDENING_SCRIPT);
      tf2.add("azurerm_virtual_machine_extension", "any", {
        name: "any", virtual_machine_id: TfJson.ref(vm), publisher: "${var.publisher}", type: "${var.type}", type_handler_version: "1.0", protected_settings: "${var.s}",
      });
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });
});

describe("last write of an SMB server option: the review's fail-open cases", () => {

  test("a $false written through -CimSession to a name, on a VM whose computer_name is not known before apply: could not verify (was: applied / pass)", () => {
    const tf = site((tf2, vm) => {
      patch(tf2, vm, { computer_name: "${var.computer_name}" });
      addScript(tf2, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession smp01x -RequireSecuritySignature $false -Force`);
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
    expect(messages(check(tf, ["SDZ-MIG-009"]), "SDZ-MIG-009")[0]).toMatch(/-CimSession smp01x, and whether that is this VM is not known: azurerm_windows_virtual_machine\.smp01 computer_name/);
  });

  test("a known computer_name decides, not the resource name: a write to the resource name is elsewhere when computer_name differs", () => {
    const tf = site((tf2, vm) => {
      patch(tf2, vm, { computer_name: "smpcomp" });
      addScript(tf2, "harden", vm, `${HARDENING_SCRIPT}\nSet-SmbServerConfiguration -CimSession smp01 -RequireSecuritySignature $false -Force`);
    });
    expect(bc(tf)).toEqual({ b: "applied", c: "pass" });
  });

  test("a Custom Script Extension that also runs scripts downloaded from fileUris: could not verify (was: applied / pass)", () => {
    const tf = site((tf2, vm) => {
      tf2.add("azurerm_virtual_machine_extension", "harden", {
        name: "harden", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
        settings: JSON.stringify({ fileUris: ["https://example.blob.core.windows.net/s/tune.ps1"], commandToExecute: `powershell -Command "${HARDENING_SCRIPT}; & .\\tune.ps1"` }),
      });
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });

  test("an extension of a handler not known to run no user script (Chef), with protected settings: could not verify", () => {
    const tf = site((tf2, vm) => {
      addRunCommand(tf2, "harden", vm, HARDENING_SCRIPT);
      tf2.add("azurerm_virtual_machine_extension", "chef", {
        name: "chef", virtual_machine_id: TfJson.ref(vm), publisher: "Chef.Bootstrap.WindowsAzure", type: "ChefClient", type_handler_version: "1210.12",
        settings: JSON.stringify({ bootstrap_options: { chef_server_url: "https://chef.example" } }), protected_settings: "${var.chef_key}",
      });
    });
    expect(bc(tf)).toEqual({ b: "declared?", c: "unverified" });
  });
});
