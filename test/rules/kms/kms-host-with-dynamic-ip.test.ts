import { body, KMS_HOST_NIC, KMS_HOST_VM } from "./sites";
import { Body, check, flagged, messages, PLACEMENTS, Placement, rule, site, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-KMS-004";

/** The site's VM, made a KMS host by a rule written for TCP 1688, with its ip_configuration patched. */
function kmsHost(placement: Placement, ipConfig: Body, rules = [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24")]) {
  const s = site(placement, rules);
  const cfg = (body(s.tf, KMS_HOST_NIC).ip_configuration as Body[])[0];
  Object.assign(cfg, ipConfig);
  for (const k of Object.keys(cfg)) if (cfg[k] === undefined) delete cfg[k];
  return s;
}

const DYNAMIC = { private_ip_address_allocation: "Dynamic", private_ip_address: undefined };

describe("SDZ-KMS-004 KMS host with a dynamic private IP", () => {
  describe.each(PLACEMENTS)("%s NSG rules (the KMS host is inferred through them)", (placement) => {
    test("a dynamic address on the KMS host's NIC is an error on the NIC, with the role's evidence", () => {
      const r = check(kmsHost(placement, DYNAMIC).tf, [ID]);
      expect(flagged(r, ID)).toEqual([KMS_HOST_NIC]);
      expect(messages(r, ID)[0]).toMatch(/^ip_configuration "primary" of KMS host azurerm_windows_virtual_machine\.app01 \(inferred: reachable on TCP 1688 through rule "allow-kms" .*\) uses a dynamic private IP/);
    });

    test("a static address passes, also when it comes from a variable (fixed at apply)", () => {
      expect(check(kmsHost(placement, {}).tf, [ID]).findings).toEqual([]);
      expect(check(kmsHost(placement, { private_ip_address: "${var.kms_ip}" }).tf, [ID]).findings).toEqual([]);
    });

    test("a dynamic address on a VM that serves no KMS is not this rule's business", () => {
      expect(check(kmsHost(placement, DYNAMIC, [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
    });

    test("an allocation from a variable is could-not-verify on the NIC", () => {
      const r = check(kmsHost(placement, { private_ip_address_allocation: "${var.allocation}", private_ip_address: undefined }).tf, [ID]);
      expect(flagged(r, ID)).toEqual([]);
      expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_NIC]);
      expect(messages(r, ID)[0]).toMatch(/private_ip_address_allocation is not known before apply \(the variable allocation/);
    });
  });

  test("a declared KMS host counts without any rule; a NIC that is not part of the configuration is could-not-verify on the VM", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "kms-host" } });
    Object.assign((body(s.tf, KMS_HOST_NIC).ip_configuration as Body[])[0], { private_ip_address_allocation: "Dynamic" });
    delete (body(s.tf, KMS_HOST_NIC).ip_configuration as Body[])[0].private_ip_address;
    (body(s.tf, KMS_HOST_VM).network_interface_ids as string[]).push("/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/networkInterfaces/mgmt");
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([KMS_HOST_NIC]);
    expect(unverifiedAt(r, ID)).toEqual([KMS_HOST_VM]);
    expect(messages(r, ID).join("\n")).toMatch(/some of its network interfaces are not part of this configuration/);
  });
});
