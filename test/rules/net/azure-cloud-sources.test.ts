import { check, flagged, messages, PLACEMENTS, rule, site, unverifiedAt } from "../../support/rule-harness";

/**
 * AzureCloud (and its regional forms) is every public address of Azure's datacenters: any Azure
 * customer sends from it, and it is part of the Internet tag (service-tags-overview). A management
 * port open to it is open to the Internet for an attacker with a subscription.
 */
describe.each(PLACEMENTS)("SDZ-NET-001 and AzureCloud sources (%s rules, untagged)", (placement) => {
  test.each(["AzureCloud", "AzureCloud.WestEurope"])("RDP allowed from %s is one error on the rule, naming the tag", (tag) => {
    const s = site(placement, [rule("rdp-cloud", 100, "Allow", "Tcp", "3389", tag)], { publicIp: true });
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect(flagged(r, "SDZ-NET-001")).toEqual([s.address("rdp-cloud")]);
    expect(messages(r, "SDZ-NET-001")[0]).toMatch(/from service tag AzureCloud(\.westeurope)? \(the public addresses of every Azure customer\)/);
  });

  test("a deny of AzureCloud before an allow of the Internet still leaves the rest of the Internet in", () => {
    const s = site(placement, [rule("deny-cloud", 100, "Deny", "*", "*", "AzureCloud"), rule("rdp-internet", 200, "Allow", "Tcp", "3389", "Internet")], { publicIp: true });
    expect(flagged(check(s.tf, ["SDZ-NET-001"]), "SDZ-NET-001")).toEqual([s.address("rdp-internet")]);
  });

  test("a deny of Internet covers AzureCloud: an allow of AzureCloud after it opens nothing", () => {
    const s = site(placement, [rule("deny-internet", 100, "Deny", "*", "*", "Internet"), rule("rdp-cloud", 200, "Allow", "Tcp", "3389", "AzureCloud")], { publicIp: true });
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect([...flagged(r, "SDZ-NET-001"), ...unverifiedAt(r, "SDZ-NET-001")]).toEqual([]);
  });

  test("control: a service tag of one Azure service (Storage) is not the Internet to this rule", () => {
    const s = site(placement, [rule("rdp-storage", 100, "Allow", "Tcp", "3389", "Storage")], { publicIp: true });
    const r = check(s.tf, ["SDZ-NET-001"]);
    expect([...flagged(r, "SDZ-NET-001"), ...unverifiedAt(r, "SDZ-NET-001")]).toEqual([]);
  });
});
