import * as fs from "fs";
import * as path from "path";
import { runInProcess, tempDir } from "./run-cli";
import { boundText, KEPT, MAX_TOKEN } from "../../src/reports/bounded-text";

describe("names and values are quoted up to a bounded length", () => {
  test("runs up to the bound are kept; a longer run is cut and says how long it was", () => {
    const id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/${"v".repeat(500)}`;
    expect(boundText(`subnet ${id} is open`)).toBe(`subnet ${id} is open`);
    const long = "A".repeat(MAX_TOKEN + 1);
    expect(boundText(`rule "${long}" of NSG x; rule "${long}" again`)).toBe(
      `rule "${"A".repeat(KEPT - 1)}...(1,027 characters, cut) of NSG x; rule "${"A".repeat(KEPT - 1)}...(1,027 characters, cut) again`);
  });

  test("a 2 MB rule name: every report quotes it cut, the report stays small, the finding is kept", () => {
    const dir = tempDir();
    const name = "N".repeat(2_000_000);
    const file = path.join(dir, "main.tf.json");
    fs.writeFileSync(file, JSON.stringify({
      resource: {
        azurerm_network_security_rule: {
          r: {
            name, priority: 100, direction: "Inbound", access: "Allow", protocol: "Tcp", source_address_prefix: "*", source_port_range: "*",
            destination_port_range: "3389", destination_address_prefix: "*", network_security_group_name: "x", resource_group_name: "rg",
          },
        },
      },
    }));
    const report = path.join(dir, "report.json");
    const r = runInProcess(["check", "--no-config", file, "--json", report, "--format", "markdown"]);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(fs.readFileSync(report, "utf8"));
    const findings = doc.configurations[0].report.findings;
    expect(findings.map((f: any) => [f.ruleId, f.address])).toEqual([["SDZ-NET-001", "azurerm_network_security_rule.r"]]);
    expect(findings[0].message).toContain(`rule "${"N".repeat(KEPT - 1)}...(2,000,002 characters, cut)`);
    expect(fs.statSync(report).size).toBeLessThan(400_000);
    expect(r.stdout.length).toBeLessThan(100_000);
  });
});
