import * as fs from "fs";
import * as path from "path";
import { OOB_TAG } from "../../src/contract/oob-tags";
import { allTagSpecs, findTagSpec, isContractKey, isSecretName } from "../../src/contract/registry";
import { BOOLEAN, CIDR_LIST, integer, MAX_TAG_VALUE_LENGTH, oneOf, PORT_RANGE, TagBlock, TagSpec, tagsOf, text, THUMBPRINT, wordList } from "../../src/contract/tag";
import { DeploymentRole, ZONE_TAG } from "../../src/contract/zone-tags";
import { TrustLevel } from "../../src/network/trust-level";

function block(values: Record<string, string | { unknown: string }>): TagBlock {
  const map = new Map(Object.entries(values).map(([k, v]) => [k.toLowerCase(), typeof v === "string" ? { known: true as const, text: v } : { known: false as const, reason: v.unknown }]));
  return { known: true, values: map };
}

describe("tag contract", () => {
  test("every tag key is unique, lower-case and in the sdz namespace", () => {
    const keys = allTagSpecs().map((s) => s.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const k of keys) {
      expect(k).toBe(k.toLowerCase());
      expect(isContractKey(k)).toBe(true);
      expect(findTagSpec(k.toUpperCase())?.key).toBe(k);
    }
  });

  test("no sdz-* tag name is spelled outside src/contract", () => {
    const root = path.join(__dirname, "..", "..", "src");
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (e.name !== "contract") walk(p);
        } else if (p.endsWith(".ts")) {
          const code = fs.readFileSync(p, "utf8").split("\n").filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
          for (const spec of allTagSpecs()) if (code.includes(`"${spec.key}"`) || code.includes(`'${spec.key}'`)) offenders.push(`${path.relative(root, p)}: ${spec.key}`);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });

  test("the writer formats typed values and refuses values the codec does not allow", () => {
    expect(tagsOf(ZONE_TAG.trust.entry(TrustLevel.INTERNAL), ZONE_TAG.roles.entry([DeploymentRole.KMS_HOST, DeploymentRole.KMS_HOST]), undefined))
      .toEqual({ "sdz-trust": "INTERNAL", "sdz-role": "kms-host" });
    expect(() => ZONE_TAG.zone.entry("   ")).toThrow(/Invalid value for tag sdz-zone: "".*text of 1 to 80/);
    expect(() => ZONE_TAG.roles.entry(["web" as DeploymentRole])).toThrow(/sdz-role/);
    expect(() => new TagSpec("sdz-x", text(), "x").entry("a".repeat(MAX_TAG_VALUE_LENGTH + 1))).toThrow(/at most 256 characters/);
  });

  test("the reader tells absent, known, unknown and invalid apart", () => {
    expect(ZONE_TAG.trust.read(block({}))).toEqual({ state: "absent" });
    expect(ZONE_TAG.trust.read(block({ "SDZ-TRUST": "perimeter" }))).toEqual({ state: "known", value: TrustLevel.PERIMETER });
    expect(ZONE_TAG.trust.read(block({ "sdz-trust": { unknown: "the variable t is only known at plan time" } })))
      .toEqual({ state: "unknown", reason: expect.stringContaining("variable t") });
    expect(ZONE_TAG.trust.read({ known: false, reason: "var.tags" })).toEqual({ state: "unknown", reason: expect.stringContaining("tags are not known") });
    const bad = ZONE_TAG.trust.read(block({ "sdz-trust": "medium" }));
    expect(bad).toEqual({ state: "invalid", reason: expect.stringMatching(/"medium".*one of UNTRUSTED/) });
  });

  test("a secret-bearing tag never quotes its value", () => {
    const secret = "Sup3rS3cret!MEBx";
    const r = OOB_TAG.mebxCustomPassword.read(block({ "sdz-oob-mebx-custom-password": secret }));
    expect(r.state).toBe("invalid");
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(() => new TagSpec("sdz-secret-ish", text(3), "x", true).entry(secret)).toThrow(/value not shown/);
    let message = "";
    try {
      new TagSpec("sdz-secret-ish", text(3), "x", true).entry(secret);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).not.toContain(secret);
  });

  test("codecs parse what they format and nothing else", () => {
    expect(BOOLEAN.parse(" TRUE ")).toBe(true);
    expect(BOOLEAN.parse("yes")).toBeUndefined();
    expect(oneOf(["a", "b"]).parse("B")).toBe("b");
    expect(integer(1, 10).parse("10")).toBe(10);
    expect(integer(1, 10).parse("11")).toBeUndefined();
    expect(integer(1, 10).parse("1e1")).toBeUndefined();
    expect(PORT_RANGE.parse("64001-65000")).toEqual({ from: 64001, to: 65000 });
    expect(PORT_RANGE.parse("65000-64001")).toBeUndefined();
    expect(THUMBPRINT.parse("a".repeat(40))).toBe("A".repeat(40));
    expect(THUMBPRINT.parse("a".repeat(39))).toBeUndefined();
    expect(wordList(["x", "y"]).parse("x, Y,x")).toEqual(["x", "y"]);
    expect(wordList(["x", "y"]).parse("x,z")).toBeUndefined();
    expect(CIDR_LIST.parse("10.0.0.0/24, 192.168.1.7")).toEqual(["10.0.0.0/24", "192.168.1.7"]);
    expect(CIDR_LIST.parse("10.0.0.0/33")).toBeUndefined();
  });

  test("secret-looking names are recognised", () => {
    for (const n of ["admin_password", "sdz-oob-mebx-custom-password", "shared_key", "client_secret", "sas_token", "connection_string", "access_key"]) expect(isSecretName(n)).toBe(true);
    for (const n of ["name", "sdz-trust", "keyvault_id_name_x", "classification", "bypass", "sdz-pxe-tftp-data-ports"]) expect(isSecretName(n)).toBe(false);
  });
});
