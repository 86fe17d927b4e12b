import { Reachability } from "../../src/engine/access/reachability";
import { mayHaveNamingRule, namingRule, reachOn } from "../../src/engine/exposure";
import { Roles } from "../../src/engine/roles";
import { SERVICE_PORTS } from "../../src/network/service-ports";
import { Body, TfJson, rule } from "../support/tf-json";

/** A VM in a subnet whose NSG has `rules` (then deny-all); optionally a firewall whose DNAT rule publishes TCP 1688 of the VM. */
function site(rules: Body[], opts: { dnat?: boolean } = {}) {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const app = tf.subnet("app", vnet, ["10.0.5.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [...rules, rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  if (opts.dnat) {
    const fwSubnet = tf.subnet("AzureFirewallSubnet", vnet, ["10.0.100.0/26"]);
    tf.hubFirewall(fwSubnet, {
      nat_rule_collection: [{
        name: "publish", priority: 100, action: "Dnat",
        rule: [{ name: "kms-dnat", protocols: ["TCP"], source_addresses: ["*"], destination_address: "${azurerm_public_ip.fw_pip.ip_address}", destination_ports: ["1688"], translated_address: "10.0.5.4", translated_port: "1688" }],
      }],
    });
  }
  tf.windowsVm("srv", [tf.nic("srv_nic", app, "10.0.5.4")]);
  const model = tf.model();
  const reach = Reachability.of(model);
  const vm = reach.access.topology.vms[0];
  const ep = reach.access.endpointsOfVm(vm)[0];
  const named = reachOn(model, ep, SERVICE_PORTS.KMS).some((r) => namingRule(r, SERVICE_PORTS.KMS) !== undefined);
  return { roles: Roles.of(model).ofVm(vm).claims.map((c) => [c.role, c.source, c.evidence]), mayName: mayHaveNamingRule(model, ep, SERVICE_PORTS.KMS), named };
}

describe("roles inferred from the rules that name a service's port, and the pre-check that spares asking the model", () => {
  test("an NSG rule that opens TCP 1688: KMS host inferred, with the rule as evidence", () => {
    const s = site([rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.1.0/24")]);
    expect(s.roles).toEqual([["kms-host", "inferred", "reachable on TCP 1688 through rule \"allow-kms\" of NSG app_nsg"]]);
    expect([s.mayName, s.named]).toEqual([true, true]);
  });

  test("no rule names TCP 1688 (RDP only, and an allow of every port): no KMS role, and the pre-check says so without the model", () => {
    const s = site([rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.1.0/24"), rule("allow-all", 200, "Allow", "*", "*", "10.0.2.0/24")]);
    expect(s.roles).toEqual([]);
    expect([s.mayName, s.named]).toEqual([false, false]);
  });

  test("only a firewall DNAT rule names TCP 1688 (the NSG admits the firewall on every port): KMS host inferred through the DNAT rule", () => {
    const s = site([rule("allow-fw", 100, "Allow", "*", "*", "10.0.100.0/26")], { dnat: true });
    expect(s.mayName).toBe(true);
    expect(s.named).toBe(true);
    expect(s.roles.map(([role, source]) => [role, source])).toEqual([["kms-host", "inferred"]]);
    expect(s.roles[0][2]).toContain("DNAT rule");
  });
});
