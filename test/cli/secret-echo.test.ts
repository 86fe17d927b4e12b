import * as fs from "fs";
import * as path from "path";
import { runCli, runInProcess, tempDir } from "./run-cli";
import { internalErrorText } from "../../src/cli/main";
import { tokenLike } from "../support/planted-tokens";

const SECRET = "Pa55w0rd-Do-Not-Echo-91";

/** True when `text` holds the secret or any 6-character piece of it. */
function leaks(text: string, secret = SECRET): boolean {
  for (let i = 0; i + 6 <= secret.length; i++) if (text.includes(secret.slice(i, i + 6))) return true;
  return false;
}

/** Broken JSON with the secret right next to the error, and where the error is. */
const BROKEN: [string, string, RegExp][] = [
  ["missing comma", `{\n  "variable": {"pw": {"default": "${SECRET}" "sensitive": true}}\n}\n`, /^expected ',' or '\}' after a property value \(line 2 column \d+\)$/],
  ["a bare word", `{"resource": {"x": {"y": {"admin_password": ${SECRET}}}}}`, /^unexpected character: expected a value \(line 1 column 45\)$/],
  ["unterminated string", `{"locals": {"key": "${SECRET}`, /^unexpected end of input: a string is not closed \(line 1 column \d+\)$/],
  ["control character", `{"locals": {"key": "${SECRET}\u0001"}}`, /^control character inside a string \(line 1 column \d+\)$/],
  ["line break in a string", `{"locals": {\n"key": "${SECRET}\nmore"}}`, /^unterminated string \(a line break inside a string\) \(line 2 column \d+\)$/],
  ["trailing data", `{"locals": {}} ${SECRET}`, /^unexpected data after the JSON value \(line 1 column 16\)$/],
  ["single quotes", `{'admin_password': '${SECRET}'}`, /^expected a property name in double quotes \(line 1 column 2\)$/],
  ["bad escape", `{"locals": {"k": "${SECRET}\\q"}}`, /^invalid escape in a string \(line 1 column \d+\)$/],
  ["bad number", `{"locals": {"k": 01${SECRET}}}`, /^invalid number \(line 1 column 19\)$/],
];

describe("a JSON syntax error gives file, line and column only, never the text around it", () => {
  test.each(BROKEN)("%s: stderr and every report are free of the secret", (_, text, problem) => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, text);
    const out = path.join(dir, "out");
    const r = runInProcess(["check", file, "--json", path.join(out, "r.json"), "--sarif", path.join(out, "r.sarif"), "--markdown", path.join(out, "r.md")]);
    expect(r.code).toBe(2);
    const line = r.stderr.trim();
    expect(line.startsWith(`secure-deployment-zones: error: ${file}: not JSON: `)).toBe(true);
    expect(line.slice(`secure-deployment-zones: error: ${file}: not JSON: `.length)).toMatch(problem);
    for (const output of [r.stdout, r.stderr, ...["r.json", "r.sarif", "r.md"].map((f) => fs.readFileSync(path.join(out, f), "utf8"))]) {
      expect(leaks(output)).toBe(false);
    }
    // JSON.parse itself would have quoted it: the protection is needed.
    let v8 = "";
    try {
      JSON.parse(text);
    } catch (err) {
      v8 = (err as Error).message;
    }
    expect(v8).not.toBe("");
  });

  test("V8 quotes the input for at least one of these errors (so the test guards a real leak)", () => {
    const messages = BROKEN.map(([, text]) => {
      try {
        JSON.parse(text);
        return "";
      } catch (err) {
        return (err as Error).message;
      }
    });
    expect(messages.some((m) => leaks(m))).toBe(true);
  });

  test("standard input and the installed command (child process) too", () => {
    const r = runCli(["check", "-"], { input: BROKEN[1][1] });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("secure-deployment-zones: error: (stdin): not JSON: unexpected character: expected a value (line 1 column 45)\n");
    expect(leaks(r.stdout + r.stderr)).toBe(false);
  });

  test("an unexpected top-level key or plan version is named only when it looks like a name or a version", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, "a.tf.json"), JSON.stringify({ [SECRET + " !"]: {} }));
    fs.writeFileSync(path.join(dir, "plan.json"), JSON.stringify({ format_version: `9.1-${SECRET}`, planned_values: {} }));
    const r = runInProcess(["check", path.join(dir, "a.tf.json"), path.join(dir, "plan.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unexpected top-level key (a key that is not a Terraform name)");
    expect(r.stderr).toContain("unsupported plan format_version (not a plain version number)");
    expect(leaks(r.stderr + r.stdout)).toBe(false);
  });
});

describe("secrets inside ordinary values and huge secrets are echoed by no output format", () => {
  /** Every output of one run: stdout, stderr and the JSON, SARIF, Markdown and JUnit reports; the table separately. */
  const outputs = (file: string) => {
    const out = tempDir();
    const reports = ["r.json", "r.sarif", "r.md", "r.xml"].map((f) => path.join(out, f));
    const r = runInProcess(["check", file, "--no-config", "--format", `json=${reports[0]}`, "--format", `sarif=${reports[1]}`, "--format", `markdown=${reports[2]}`,
      "--format", `junit=${reports[3]}`, "--format", "github"]);
    const table = runInProcess(["check", file, "--no-config", "--verbose"]);
    return { code: r.code, tableCode: table.code, texts: [r.stdout, r.stderr, table.stdout, table.stderr, ...reports.map((f) => fs.readFileSync(f, "utf8"))] };
  };

  test("a URL password and a SAS signature in tags (review case sec2): reported by SDZ-SEC-002, blanked in the out-of-band messages and the inventory", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    const [url, sig, note] = [`${SECRET}-url`, `${SECRET}-sig`, `${SECRET}-note`];
    fs.writeFileSync(file, JSON.stringify({
      resource: {
        azurerm_windows_virtual_machine: {
          vm: {
            name: "oob01", admin_username: "u", admin_password: "${var.pw}", size: "Standard_D2s_v5", network_interface_ids: [], resource_group_name: "rg", location: "x",
            tags: {
              "sdz-role": "oob-service-point", "sdz-oob-provisioning": "enabled", "sdz-oob-provisioning-server": `https://admin:${url}@prov.example.com/x`,
              "sdz-oob-ide-image-location": `https://store.blob.core.windows.net/c/ide.img?sv=2022-11-02&sig=${sig}`, "sdz-oob-mebx-custom-password": "true",
            },
          },
        },
        azurerm_storage_account: { sa: { name: "sa", resource_group_name: "rg", location: "x", account_tier: "Standard", account_replication_type: "LRS", tags: { "sdz-note": `https://user:${note}@example.com` } } },
      },
      variable: { pw: { type: "string", sensitive: true } },
    }));
    const { code, tableCode, texts } = outputs(file);
    expect([code, tableCode]).toEqual([1, 1]);
    for (const text of texts) for (const s of [url, sig, note]) expect(leaks(text, s)).toBe(false);
    const all = texts.join("\n");
    // The rest of each value is still quoted: only the credential part is blanked.
    expect(all).toContain("sdz-oob-provisioning-server=https://admin:(secret value not shown)@prov.example.com/x");
    expect(all).toContain("https://store.blob.core.windows.net/c/ide.img?sv=2022-11-02&sig=(secret value not shown)");
    expect(all).toContain("azurerm_windows_virtual_machine.vm writes secrets as literal values (not shown): tags[\"sdz-oob-provisioning-server\"] (a password in a URL's user information); "
      + "tags[\"sdz-oob-ide-image-location\"] (a SAS signature (sig=))");
    expect(all).toContain("azurerm_storage_account.sa writes a secret as literal values (not shown): tags[\"sdz-note\"] (a password in a URL's user information)");
  });

  test("a token as a URL's user name and passwords starting with - or ( in tags and app settings: reported by SDZ-SEC-002, blanked in every output", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    const [gitlab, github, dash, paren] = [`glpat-${tokenLike("cli-gl", 20)}`, `ghp_${tokenLike("cli-gh", 36)}`, `-Xy7!q${tokenLike("cli-dash", 16)}`, `(P@ss${tokenLike("cli-paren", 16)}`];
    const vm = (name: string, server: string) => ({
      name, admin_username: "u", admin_password: "${var.pw}", size: "Standard_D2s_v5", network_interface_ids: [], resource_group_name: "rg", location: "x",
      tags: { "sdz-role": "oob-service-point", "sdz-oob-provisioning": "enabled", "sdz-oob-provisioning-server": server },
    });
    fs.writeFileSync(file, JSON.stringify({
      resource: {
        azurerm_windows_virtual_machine: { token: vm("oob01", `https://${gitlab}@prov.example.com/x`), dash: vm("oob02", `https://admin:${dash}@prov.example.com/x`) },
        azurerm_storage_account: { sa: { name: "sa", resource_group_name: "rg", location: "x", account_tier: "Standard", account_replication_type: "LRS", tags: { "sdz-note": `https://${github}@github.com/contoso/app.git` } } },
        azurerm_linux_web_app: { w: { name: "w", resource_group_name: "rg", location: "x", service_plan_id: "/x/p", site_config: [{}], app_settings: { DB: `Server=db;User ID=u;Pwd=${paren}` } } },
      },
      variable: { pw: { type: "string", sensitive: true } },
    }));
    const { code, tableCode, texts } = outputs(file);
    expect([code, tableCode]).toEqual([1, 1]);
    // The tokens' random parts (their prefixes are named in the rule's rationale).
    for (const text of texts) for (const s of [gitlab.slice(6), github.slice(4), dash, paren]) expect(leaks(text, s)).toBe(false);
    const all = texts.join("\n");
    // The rest of each value is still quoted: only the token or password is blanked.
    expect(all).toContain("sdz-oob-provisioning-server=https://(secret value not shown)@prov.example.com/x");
    expect(all).toContain("sdz-oob-provisioning-server=https://admin:(secret value not shown)@prov.example.com/x");
    for (const line of [
      "azurerm_windows_virtual_machine.token writes a secret as literal values (not shown): tags[\"sdz-oob-provisioning-server\"] (a token as a URL's user name)",
      "azurerm_windows_virtual_machine.dash writes a secret as literal values (not shown): tags[\"sdz-oob-provisioning-server\"] (a password in a URL's user information)",
      "azurerm_storage_account.sa writes a secret as literal values (not shown): tags[\"sdz-note\"] (a token as a URL's user name)",
      "azurerm_linux_web_app.w writes a secret as literal values (not shown): app_settings.DB (a Pwd= value)",
    ]) expect(all).toContain(line);
  });

  test("a Key Vault secret of 1.1 MB beside an admin password (review case sec3): exit code 1, neither secret anywhere", () => {
    const dir = tempDir();
    const file = path.join(dir, "main.tf.json");
    const huge = "B".repeat(1_100_000);
    fs.writeFileSync(file, JSON.stringify({
      resource: {
        azurerm_windows_virtual_machine: { vm: { name: "vm", admin_username: "u", admin_password: SECRET, size: "Standard_D2s_v5", network_interface_ids: [], resource_group_name: "rg", location: "x" } },
        azurerm_key_vault_secret: { big: { name: "cert-bundle", key_vault_id: "x", value: huge } },
      },
    }));
    const { code, tableCode, texts } = outputs(file);
    expect([code, tableCode]).toEqual([1, 1]);
    for (const text of texts) {
      expect(leaks(text)).toBe(false);
      expect(text).not.toContain("BBBBBBBBBBBBBBBB");
      expect(text).not.toContain("internal error");
    }
    expect(texts.join("\n")).toContain("azurerm_key_vault_secret.big writes a secret as literal values (not shown): value");
  });
});

describe("an internal error does not echo its message", () => {
  test("only the error's kind and the stack frames (code locations) are printed", () => {
    const err = new TypeError("cannot read 'x' of Password=Zq9-internal-secret");
    const text = internalErrorText(err);
    expect(text).toMatch(/^internal error \(TypeError; its message is withheld because it may quote the input\)\n\s+at /);
    expect(text).not.toContain("Zq9-internal-secret");
    // A thrown non-Error, or one whose name was replaced by input text, says nothing of it either.
    expect(internalErrorText("Password=Zq9-internal-secret")).toBe("internal error (error; its message is withheld because it may quote the input)");
    const renamed = Object.assign(new Error("x"), { name: "Zq9-internal-secret value" });
    expect(internalErrorText(renamed)).not.toContain("Zq9");
  });
});
