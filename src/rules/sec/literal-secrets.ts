/**
 * The literal secrets of one resource: which fields hold them and what kind they are, never the
 * values. Reads every attribute and nested block once (linear in the configuration's size).
 */
import { findTagSpec } from "../../contract/registry";
import { TerraformModel, TfResource } from "../../engine/model";
import { memoByName } from "../../engine/name-memo";
import {
  credentialFreeConnectionString, declaredSecretField, decodedData, isSecretLiteral, literalCredentialKinds, looksSecretName, mayHoldCredentials, originOf,
  readsFile, SECRET_VALUE_FIELDS, secretsInText, snakeName,
} from "../../engine/secrets";

/** What one resource writes as literal secrets, and what could not be read. */
export interface SecretScan {
  /** Fields (and kinds) holding literal secrets: `admin_password`, `settings.commandToExecute (a -Password argument)`. */
  readonly fields: string[];
  /** Fields whose text could not be read (a file the checks do not open, a template the checks cannot read). */
  readonly doubts: string[];
}

/** Attributes that are not part of the resource's own configuration, or read separately. */
const SKIP_TOP = new Set(["tags", "lifecycle", "depends_on", "provider", "count", "for_each", "timeouts"]);

/** Fields another rule reports (one finding per problem): SDZ-VPN-008 owns literal preshared keys and RADIUS secrets. */
const REPORTED_ELSEWHERE: Record<string, readonly string[]> = {
  azurerm_virtual_network_gateway_connection: ["shared_key"],
  azurerm_virtual_network_gateway: ["vpn_client_configuration.radius_server_secret", "vpn_client_configuration.radius_server.secret"],
};

/** Fields that hold JSON settings (extension `settings` and `protected_settings`). */
const JSON_FIELDS = new Set(["settings", "protected_settings"]);
/** Fields that hold base64 custom data / user data (decoded before reading). */
const DATA_FIELDS = new Set(["custom_data", "user_data"]);
/**
 * Fields that hold scripts or unattend XML as text; `command` and `inline` are provisioners' (local-exec's command,
 * remote-exec's inline lines, developer.hashicorp.com/terraform/language/resources/provisioners/local-exec).
 */
const TEXT_FIELDS = new Set(["script", "content", "command_to_execute", "commandtoexecute", "command", "inline"]);

const NO_FIELDS: ReadonlySet<string> = new Set();
const FIELD_SETS = new Map<Record<string, readonly string[]>, Map<string, ReadonlySet<string>>>();

/** The fields listed for a resource type, as a set made once per type (most types have none: one shared empty set). */
function setOf(table: Record<string, readonly string[]>, type: string): ReadonlySet<string> {
  const list = Object.prototype.hasOwnProperty.call(table, type) ? table[type] : undefined;
  if (!list) return NO_FIELDS;
  let byType = FIELD_SETS.get(table);
  if (!byType) FIELD_SETS.set(table, (byType = new Map()));
  let set = byType.get(type);
  if (!set) byType.set(type, (set = new Set(list)));
  return set;
}

/** How an attribute name is read. */
const keyKind = memoByName((key): "json" | "data" | "text" | "plain" => {
  const k = key.toLowerCase();
  return JSON_FIELDS.has(k) ? "json" : DATA_FIELDS.has(k) ? "data" : TEXT_FIELDS.has(k) ? "text" : "plain";
});

/** Scans one resource; the fields SDZ-VPN-008 owns are left to it when it runs in the check (`leaveToVpn008`). */
export function scanResource(model: TerraformModel, r: TfResource, leaveToVpn008 = true): SecretScan {
  const fields: string[] = [];
  const doubts: string[] = [];
  const skip = leaveToVpn008 ? setOf(REPORTED_ELSEWHERE, r.type) : NO_FIELDS;
  const declared = declaredSecretField(model, r);
  const wholeSecret = declared === undefined ? setOf(SECRET_VALUE_FIELDS, r.type) : new Set([...setOf(SECRET_VALUE_FIELDS, r.type), declared]);

  /** A secret-named (`name`) or whole-secret field. */
  const literal = (path: string, value: unknown, name?: string) => {
    // A secret read from a file is in the repository too, where the checks do not look.
    const file = readsFile(value);
    if (file) {
      doubts.push(`${path} is read by ${file}() from a file the checks do not open`);
      return;
    }
    const o = originOf(model, value);
    if (isSecretLiteral(o)) {
      // A connection string none of whose keys holds a credential (Application Insights', a managed identity's) is not a secret.
      const text = o.kind === "literal" && typeof o.value === "string" ? o.value : undefined;
      if (name !== undefined && text !== undefined && connectionStringName(name) && credentialFreeConnectionString(text)) return;
      fields.push(o.kind === "literal" && o.viaLocal ? `${path} (through local.${o.viaLocal})` : path);
    } else if (typeof value === "string") {
      // Fail closed: a template the checks cannot read may write the secret.
      if (o.kind === "unreadable") doubts.push(`${path} holds ${o.reason}`);
      // Not written here as a whole, but a template may write a part: "Server=${azurerm_mssql_server.db.fqdn};Password=x".
      ordinary(path, value);
    }
  };

  /** A whole-secret field: its value, or every value of its map (secure environment variables). */
  const whole = (path: string, value: unknown) => {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      for (const [k, x] of Object.entries(value)) literal(`${path}.${k}`, x);
    } else literal(path, value);
  };

  const text = (path: string, value: unknown, kind: "data" | "text") => {
    const file = readsFile(value);
    if (file) {
      doubts.push(`${path} is read by ${file}() from a file the checks do not open`);
      return;
    }
    const o = originOf(model, value);
    // A literal is read as written; an expression is read as written too (interpolations are not literals):
    // "Server=${azurerm_mssql_server.db.fqdn};Password=x" takes the server from elsewhere, but writes the password here.
    const raw = o.kind === "literal" && typeof o.value === "string" ? o.value : typeof value === "string" ? value : undefined;
    if (raw === undefined) return;
    let content = raw;
    let decoded = false;
    if (kind === "data" && o.kind === "literal") {
      const d = decodedData(raw);
      if (!d) {
        doubts.push(`${path} is binary (e.g. compressed) data the checks cannot read`);
        return;
      }
      content = d.text;
      decoded = d.decoded;
    }
    for (const k of secretsInText(content)) fields.push(`${path} (${k}${decoded ? ", base64-decoded" : ""})`);
  };

  const json = (path: string, value: unknown) => {
    const o = originOf(model, value);
    let parsed: unknown = o.kind === "literal" ? o.value : undefined;
    if (typeof parsed === "string") {
      try {
        parsed = JSON.parse(parsed);
      } catch {
        text(path, value, "text");
        return;
      }
    }
    if (parsed && typeof parsed === "object") walkSettings(path, parsed);
    else if (typeof value === "string") text(path, value, "text"); // an expression: read what is written in it (jsonencode({...}))
  };

  const walkSettings = (path: string, v: unknown): void => {
    if (typeof v === "string") return text(path, v, "text");
    if (Array.isArray(v)) return v.forEach((x, i) => walkSettings(`${path}[${i}]`, x));
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const p = `${path}.${k}`;
        if (typeof x === "string" && looksSecretName(k) && isSecretLiteral(originOf(model, x))) fields.push(p);
        else if (typeof x === "string") text(p, x, "text");
        else walkSettings(p, x);
      }
    }
  };

  // The path is kept as segments and written out only for the few values that need it: a resource has
  // many attributes, and almost none of them is a secret.
  const segs: string[] = [];
  const pathNow = () => segs.join("");
  const walk = (key: string, v: unknown, depth: number, parent: string) => {
    if (depth > 12 || v === undefined || v === null) return;
    if (skip.size > 0 || wholeSecret.size > 0) {
      const path = pathNow();
      const norm = path.replace(/\[\d+\]/g, "");
      if (skip.has(norm)) return;
      if (wholeSecret.has(norm)) return whole(path, v);
    }
    const kind = keyKind(key);
    // Extension settings: of an extension resource (top level), or of a scale set's `extension` blocks
    // (azurerm_{windows,linux,orchestrated}_virtual_machine_scale_set `extension`: settings and protected_settings are JSON
    // strings, registry.terraform.io/providers/hashicorp/azurerm/4.55.0/docs/resources/windows_virtual_machine_scale_set#extension).
    if (kind === "json" && (depth === 1 || parent === "extension")) return json(pathNow(), v);
    if (kind === "data") return text(pathNow(), v, "data");
    if (kind === "text" && typeof v === "string") return text(pathNow(), v, "text");
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        segs.push(v.length > 1 ? `[${i}]` : "");
        walk(key, v[i], depth + 1, parent);
        segs.pop();
      }
      return;
    }
    if (typeof v === "object") {
      const o = v as Record<string, unknown>;
      // name/value pairs (run command parameters, container app secrets, App Service connection strings):
      // the value is named by the pair's name.
      const pair = depth > 0 && typeof o.name === "string" && "value" in o;
      if (pair) namedValue(o.name as string, o.value);
      for (const ck of Object.keys(o)) {
        if (depth === 0 && SKIP_TOP.has(ck)) continue;
        if (pair && ck === "value") continue;
        if (depth > 0) segs.push(".");
        segs.push(ck);
        walk(ck, o[ck], depth + 1, key);
        segs.pop();
        if (depth > 0) segs.pop();
      }
      return;
    }
    if (looksSecretName(key)) literal(pathNow(), v, key);
    else if (typeof v === "string") ordinary(pathNow(), v);
  };

  /**
   * A string under an ordinary name (an app setting "DB", a container's environment variable,
   * WEBSITE_RUN_FROM_PACKAGE): the literal credential parts of a connection string or SAS URL
   * written in it, as the output redactor finds them (one shared recogniser). Only those: an
   * ordinary value is not read as a script.
   */
  const ordinary = (path: string, value: string) => {
    const viaLocal = value.includes("local.");
    if (!viaLocal && !mayHoldCredentials(value)) return;
    // Only a local is followed (to its literal text); any other value is read as written, interpolations and all.
    const o = viaLocal ? originOf(model, value) : undefined;
    const written = o?.kind === "literal" ? (typeof o.value === "string" ? o.value : undefined) : value;
    if (written === undefined) return;
    const kinds = literalCredentialKinds(written);
    if (kinds.length === 0) return;
    const through = o?.kind === "literal" && o.viaLocal ? `, through local.${o.viaLocal}` : "";
    for (const k of kinds) fields.push(`${path} (${k}${through})`);
  };

  /**
   * The value of a name/value pair: a secret when the name says so or the field is a whole secret
   * (a Container Apps secret); else read as text, since a value under an ordinary name may still
   * carry one (an App Service connection string named "Database" holding `Password=...;`:
   * ConnStringInfo is name, type and the connection string, learn.microsoft.com/rest/api/appservice/
   * web-apps/list-connection-strings). References and Key Vault references are not literals.
   */
  const namedValue = (name: string, value: unknown) => {
    const path = `${pathNow().replace(/\[\d+\]$/, "")}["${name}"]`;
    const norm = `${pathNow().replace(/\[\d+\]/g, "")}.value`;
    if (looksSecretName(name)) return literal(path, value, name);
    if (wholeSecret.has(norm)) return literal(path, value);
    if (typeof value === "string") text(path, value, "text");
  };

  walk("", r.config, 0, "");
  fields.push(...secretTags(model, r));
  return { fields: [...new Set(fields)], doubts };
}

/** Names of connection strings: `connection_string`, `APPLICATIONINSIGHTS_CONNECTION_STRING`, `dbConnectionString`. */
const connectionStringName = memoByName((name) => /(^|_)connection_?strings?$/.test(snakeName(name).replace(/_wo$/, "")));

/**
 * Tags whose names end like a secret (`looksSecretName`, the attribute walk's test: `AdminPassword`, `sql-password`,
 * `apiToken`) with a non-empty value; a name that merely contains a secret word (`SecretRotation`, `PasswordPolicy`,
 * `key-vault`, `TokenLifetime`) names a setting about a secret, not one: failing the build on it teaches users to
 * suppress the rule. The contract's broader `isSecretName` still hides such values in the tag inventory.
 * A tag of the contract whose value its codec accepts (e.g. `sdz-oob-mebx-custom-password=true`) is a setting, not a
 * secret. Any other tag is read for the literal credential parts written in it, as an ordinary value is (a
 * provisioning server tagged `https://admin:<password>@host`, an image location with a SAS `sig=`): a tag is in the
 * configuration, the plan and Azure's metadata, readable by anyone who can read the resource. Keys are printed as
 * written.
 */
/**
 * Words a tag name may carry after the secret word it names (`sql-password-prod`, `AdminPassword2`, `SecretValue`): an
 * environment, a version, which of a pair. A name whose secret word is followed by anything else names something about a
 * secret (`SecretRotation`, `PasswordPolicy`, `TokenLifetime`), not one.
 */
const TAG_QUALIFIER = /_(?:\d+|prod|production|dev|test|stage|staging|qa|uat|old|new|value|val|primary|secondary|current|next|previous|prev|backup|temp|tmp)$/;

/** A tag name that ends like a secret ({@link looksSecretName}), once qualifier words after the secret word are set aside. */
function looksSecretTagName(name: string): boolean {
  if (looksSecretName(name)) return true;
  let words = snakeName(name).replace(/([a-z])(\d+)$/, "$1_$2");
  for (let stripped = words.replace(TAG_QUALIFIER, ""); stripped !== words && stripped !== ""; stripped = words.replace(TAG_QUALIFIER, "")) {
    words = stripped;
    if (looksSecretName(words)) return true;
  }
  return false;
}

function secretTags(model: TerraformModel, r: TfResource): string[] {
  const block = model.tagBlock(r);
  if (!block.known) return [];
  const out: string[] = [];
  for (const [key, value] of block.values) {
    if (!value.known || value.text.trim() === "") continue;
    const name = block.written?.get(key) ?? key;
    if (!looksSecretTagName(name)) {
      if (mayHoldCredentials(value.text)) for (const k of literalCredentialKinds(value.text)) out.push(`tags["${name}"] (${k})`);
      continue;
    }
    const spec = findTagSpec(key);
    if (spec && spec.codec.parse(value.text) !== undefined) continue;
    out.push(`tags["${name}"]`);
  }
  return out;
}
