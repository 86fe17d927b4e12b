/**
 * Locals that fan out (each level repeats the next many times) must not make resolution
 * exponential: strings are resolved once per text and depth, and an interpolation that would build
 * more than 1 MiB of text is unknown (the rules then report "could not verify"), never cut short.
 */
import { runRules } from "../../src/engine/engine";
import { TerraformModel } from "../../src/engine/model";
import { ALL_RULES } from "../../src/rules";
import { unverified, failures } from "../support/fixtures";

/** Locals l0..l(levels-1), each `width` references to the next, and l(levels) = `leaf`. */
function fanout(levels: number, width: number, leaf: unknown, asList = false): Record<string, unknown> {
  const locals: Record<string, unknown> = { [`l${levels}`]: leaf };
  for (let i = 0; i < levels; i++) {
    const ref = `\${local.l${i + 1}}`;
    locals[`l${i}`] = asList ? Array.from({ length: width }, () => ref) : ref.repeat(width);
  }
  return locals;
}

const RDP_RULE = {
  name: "rdp", priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_port_range: "*",
  destination_port_range: "3389", destination_address_prefix: "*", network_security_group_name: "nsg", resource_group_name: "rg",
};

function modelWith(locals: Record<string, unknown>, source: string): TerraformModel {
  return TerraformModel.fromTerraformJson({
    resource: { azurerm_network_security_rule: { rdp: { ...RDP_RULE, source_address_prefix: source } } },
    locals,
  }, { name: "raw" });
}

describe("TerraformModel: locals that fan out", () => {
  test("a text is resolved once per depth: 3 levels of lists of 30 references take a few dozen resolutions, not 30^3", () => {
    const m = modelWith(fanout(3, 30, "10.0.0.0/8", true), "*");
    const spy = jest.spyOn(m as any, "resolveStringValue");
    const r = m.resolve("${local.l0}");
    expect(r.known).toBe(true);
    let leaf: unknown = r.known ? r.value : undefined;
    for (let i = 0; i < 3; i++) leaf = (leaf as unknown[])[29];
    expect(leaf).toBe("10.0.0.0/8");
    // Old code: every path resolved again (27,000 leaves); now one per text and depth.
    expect(spy.mock.calls.length).toBeLessThan(20);
  });

  test("an interpolation within the bound is resolved exactly", () => {
    const m = modelWith(fanout(3, 20, "ab"), "*");
    expect(m.resolve("${local.l0}")).toEqual({ known: true, value: "ab".repeat(8000) });
  });

  test("an interpolation over 1 MiB is unknown, naming the local, and the rule could not verify (fail closed)", () => {
    // 40^4 * 10 characters = 25.6 MB: the old code built it (15 s, hundreds of MB).
    const m = modelWith(fanout(4, 40, "0123456789"), "${local.l0}");
    const r = m.resolve("${local.l0}");
    expect(r.known).toBe(false);
    if (!r.known) expect(r.reason).toMatch(/^expanding local\.l\d here builds a value longer than 1,048,576 characters: not followed$/);
    const result = runRules(m, ALL_RULES);
    expect(unverified(result, "SDZ-NET-001").map((f) => f.address)).toEqual(["azurerm_network_security_rule.rdp"]);
    expect(failures(result, "SDZ-NET-001").map((f) => f.address)).toEqual([]);
  });
});
