/**
 * One value not known before apply (a VNet's address_space from a variable) lets the VirtualNetwork
 * tag hold any address, so AllowVNetInBound may let the Internet in through every NSG that does not
 * deny first: one could-not-verify, on the VNet, naming the field and the NSGs it leaves open, not
 * one per NSG (principle 3). Raw, untagged azurerm JSON.
 */
import { check, flagged, messages, TfJson, unverifiedAt } from "../../support/rule-harness";
import { rule } from "../../support/tf-json";

/** VNet `net` (address_space from a variable unless `space` is given), `n` subnets each with an NSG holding `rules(i)`, one VM each. */
function zones(n: number, rules: (i: number) => Record<string, unknown>[] = () => [], space: unknown = "${var.space}") {
  const tf = new TfJson();
  tf.json.variable = { space: { type: "list(string)" } };
  const vnet = tf.add("azurerm_virtual_network", "net", { name: "net", location: "westeurope", resource_group_name: "rg", address_space: space });
  for (let i = 0; i < n; i++) {
    const subnet = tf.subnet(`s${i}`, vnet, [`10.0.${i}.0/24`]);
    const nsg = tf.nsg(`s${i}_nsg`, [rule("allow-https", 100, "Allow", "Tcp", "443", "10.0.0.0/8"), ...rules(i)]);
    tf.associate(subnet, nsg);
    tf.windowsVm(`vm${i}`, [tf.nic(`vm${i}_nic`, subnet, `10.0.${i}.4`)]);
  }
  return tf;
}

describe("SDZ-NET-001: an address_space not known before apply is one could-not-verify on the VNet", () => {
  test("five NSGs without a deny: one finding on the VNet naming address_space and the NSGs (capped), none on the NSGs", () => {
    const r = check(zones(5), ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_virtual_network.net"]);
    const [msg] = messages(r, "SDZ-NET-001");
    expect(msg).toContain("azurerm_virtual_network.net address_space");
    expect(msg).toMatch(/AllowVNetInBound of NSG s0_nsg, .*AllowVNetInBound of NSG s2_nsg and 2 more may allow RDP/);
  });

  test("fail closed: with failOnUnverified it is an error", () => {
    const r = check(zones(2), ["SDZ-NET-001"], { failOnUnverified: true });
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_virtual_network.net"]);
    // At the rule's level (an error), so the check fails.
    expect(r.counts.errors).toBe(1);
  });

  test("a known exposure on one of those NSGs is still reported on it, as before", () => {
    const r = check(zones(3, (i) => (i === 1 ? [rule("allow-rdp-any", 200, "Allow", "Tcp", "3389", "*")] : [])), ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual(["azurerm_network_security_group.s1_nsg"]);
    expect(unverifiedAt(r, "SDZ-NET-001")).toEqual(["azurerm_virtual_network.net"]);
  });

  test("NSGs that deny first are not listed; with every NSG denying, nothing is reported", () => {
    const deny = () => [rule("deny-all", 4096, "Deny", "*", "*", "*")];
    const r = check(zones(2, deny), ["SDZ-NET-001"]);
    expect([...flagged(r, "SDZ-NET-001"), ...unverifiedAt(r, "SDZ-NET-001")]).toEqual([]);
  });

  test("control: a known address space leaves nothing to report", () => {
    const r = check(zones(3, () => [], ["10.0.0.0/16"]), ["SDZ-NET-001"]);
    expect([...flagged(r, "SDZ-NET-001"), ...unverifiedAt(r, "SDZ-NET-001")]).toEqual([]);
  });
});
