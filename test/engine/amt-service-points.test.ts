import { AmtServicePoints } from "../../src/engine/amt-service-points";
import { oobSite, rule, SP, TfJson } from "../rules/oob/builders";
import { PLACEMENTS } from "../support/rule-harness";

function points(tf: TfJson) {
  const sps = AmtServicePoints.of(tf.model());
  return { found: sps.points.map((p) => [p.vm.resource.address, p.claim.source, p.claim.evidence]), doubts: sps.sourceDoubts.map((d) => d.reason) };
}

describe("out-of-band service points", () => {
  test.each(PLACEMENTS)("untagged: the source of the only allows written for the AMT ports (%s NSG rules) is the service point, with evidence", (placement) => {
    const s = oobSite(placement, [rule("allow-amt", 200, "Allow", "Tcp", "16992-16995", "10.0.9.10"), rule("allow-probe", 210, "Allow", "Tcp", "16993", "AzureLoadBalancer")], {
      managementRules: [rule("amt-out", 300, "Allow", "Tcp", "16993", "10.0.9.10", "10.0.1.0/24", "Outbound")],
    });
    expect(points(s.tf).found).toEqual([[SP, "inferred", expect.stringMatching(/^the only source of the allows written for Intel AMT \(TCP 16992-16995\): (?=.*rule "allow-amt" of NSG \w+_nsg)(?=.*rule "amt-out" of NSG management_nsg)/)]]);
  });

  test.each([
    ["a second source that is no VM", ["10.0.9.10", "10.0.9.11"]],
    ["a range", ["10.0.9.0/24"]],
    ["two VMs", ["10.0.9.10", "10.0.1.4"]],
  ])("no inference when the AMT allows name %s", (_what, sources) => {
    expect(points(oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", "16992-16995", sources)]).tf)).toEqual({ found: [], doubts: [] });
  });

  test("a rule that opens every port is not written for AMT and neither makes nor blocks the inference", () => {
    const s = oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", "16993", "10.0.9.10"), rule("allow-web", 210, "Allow", "Tcp", "*", "10.0.20.0/24")]);
    expect(points(s.tf).found.map((f) => f[0])).toEqual([SP]);
  });

  test("an AMT allow whose source is not known blocks the inference and says why", () => {
    const s = oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", "16993", "10.0.9.10"), rule("allow-more", 210, "Allow", "Tcp", "16993", "${var.src}")]);
    const p = points(s.tf);
    expect(p.found).toEqual([]);
    expect(p.doubts).toEqual([expect.stringMatching(/^source_address_prefix: the variable src/)]);
  });

  test("a declared role comes first, with its evidence; so does one inferred from the provisioning port", () => {
    const declared = oobSite("inline", [], { spTags: { "sdz-role": "oob-service-point" } });
    expect(points(declared.tf).found).toEqual([[SP, "declared", `sdz-role=oob-service-point on ${SP}`]]);
    const byPort = oobSite("inline", [rule("allow-prov", 200, "Allow", "Tcp", "9971", "10.0.2.0/24")]);
    expect(points(byPort.tf).found).toEqual([["azurerm_windows_virtual_machine.app01", "inferred", expect.stringMatching(/reachable on TCP 9971 through rule "allow-prov"/)]]);
  });

  test("addresses: static ones are known, a dynamic one is said to be unknown", () => {
    const sps = AmtServicePoints.of(oobSite("inline", [], { spIp: "dynamic", spTags: { "sdz-role": "oob-service-point" } }).tf.model());
    expect(sps.points.map((p) => [p.addresses.map((a) => a.text), p.addressUnknown])).toEqual([[[], expect.stringMatching(/dynamic private address/)]]);
  });
});
