/**
 * Azure's platform subnets as sources, alike in every pack: GatewaySubnet, RouteServerSubnet and
 * AzureFirewallManagementSubnet hold only Azure's own instances, whose addresses carry no client's
 * traffic, and none of them can carry an NSG (so no sdz-trust either). A rule naming their ranges
 * lets no client zone in. AzureBastionSubnet is a client zone (Bastion opens RDP/SSH from it).
 * Raw, untagged azurerm resources; subnet names as users write them, in any case.
 */
import { addZone } from "./kms/sites";
import { oobSite } from "./oob/builders";
import { pxeRule, zone } from "./pxe/builders";
import { check, flagged, messages, rule, site, unverifiedAt } from "../support/rule-harness";

const NO_CLIENT = [["GatewaySubnet"], ["RouteServerSubnet"], ["AzureFirewallManagementSubnet"], ["routeserversubnet"], ["AZUREFIREWALLMANAGEMENTSUBNET"]];

describe("platform subnets whose addresses carry no client", () => {
  // Before: SDZ-KMS-003 left RouteServerSubnet and AzureFirewallManagementSubnet out of nothing: an allowlist naming them was
  // could-not-verify ("zone RouteServerSubnet ... whose trust is neither declared (sdz-trust) nor shown"), though no NSG (and so
  // no sdz-trust) can be put on them; GatewaySubnet was already left out, and SDZ-PXE-001 already left out RouteServerSubnet.
  test.each(NO_CLIENT)("SDZ-KMS-003: an allowlist naming %s beside INTERNAL clients passes", (name) => {
    const s = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", ["10.0.2.0/24", "10.0.250.0/26"])], {
      extend: (tf, { vnet }) => {
        addZone(tf, vnet, "clients", "10.0.2.0/24", { tags: { "sdz-trust": "INTERNAL" } });
        tf.subnet(name, vnet, ["10.0.250.0/26"]);
      },
    });
    const r = check(s.tf, ["SDZ-KMS-003"]);
    expect(r.findings).toEqual([]);
  });

  // Before: SDZ-PXE-001 judged AzureFirewallManagementSubnet as a zone whose trust is not declared (could not verify).
  test.each(NO_CLIENT)("SDZ-PXE-001: PXE from %s beside INTERNAL clients passes", (name) => {
    const s = site("inline", [pxeRule("allow-pxe", ["10.0.2.0/24", "10.0.250.0/26"])], {
      extend: (tf, { vnet }) => {
        zone(tf, vnet, "clients", "10.0.2.0/24", { trust: "INTERNAL" });
        tf.subnet(name, vnet, ["10.0.250.0/26"]);
      },
    });
    const r = check(s.tf, ["SDZ-PXE-001"]);
    expect(r.findings).toEqual([]);
  });

  // Before: SDZ-OOB-001 judged all three as zones whose trust is not declared (could not verify).
  test.each(NO_CLIENT)("SDZ-OOB-001: AMT from %s beside a MANAGEMENT zone passes", (name) => {
    const s = oobSite("inline", [rule("allow-amt", 200, "Allow", "Tcp", "16992-16995", ["10.0.9.0/24", "10.0.250.0/26"])], {
      managementTrust: "MANAGEMENT",
      extend: (tf, { vnet }) => void tf.subnet(name, vnet, ["10.0.250.0/26"]),
    });
    const r = check(s.tf, ["SDZ-OOB-001"]);
    expect(r.findings).toEqual([]);
  });

  test("AzureBastionSubnet stays a client zone: its trust is asked for, in both packs", () => {
    const kms = site("inline", [rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.250.0/26")], { extend: (tf, { vnet }) => void tf.subnet("AzureBastionSubnet", vnet, ["10.0.250.0/26"]) });
    let r = check(kms.tf, ["SDZ-KMS-003"]);
    expect(flagged(r, "SDZ-KMS-003")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-KMS-003")).toEqual([kms.nsg]);
    expect(messages(r, "SDZ-KMS-003")[0]).toMatch(/zone AzureBastionSubnet/);
    const pxe = site("inline", [pxeRule("allow-pxe", "10.0.250.0/26")], { extend: (tf, { vnet }) => void tf.subnet("AzureBastionSubnet", vnet, ["10.0.250.0/26"]) });
    r = check(pxe.tf, ["SDZ-PXE-001"]);
    expect(flagged(r, "SDZ-PXE-001")).toEqual([]);
    expect(unverifiedAt(r, "SDZ-PXE-001")).toEqual([pxe.nsg]);
    expect(messages(r, "SDZ-PXE-001")[0]).toMatch(/zone AzureBastionSubnet, whose trust is not declared/);
  });
});

describe("SDZ-NET-002 exempts the platform subnets that cannot carry an NSG, in any case", () => {
  test("GatewaySubnet, AzureFirewallSubnet, AzureFirewallManagementSubnet, RouteServerSubnet pass; AzureBastionSubnet and look-alikes are flagged", () => {
    const s = site("inline", [], {
      extend: (tf, { vnet }) => {
        tf.subnet("gatewaysubnet", vnet, ["10.0.250.0/27"]);
        tf.subnet("AZUREFIREWALLSUBNET", vnet, ["10.0.251.0/26"]);
        tf.subnet("AzureFirewallManagementSubnet", vnet, ["10.0.252.0/26"]);
        tf.subnet("RouteServerSubnet", vnet, ["10.0.253.0/27"]);
        tf.subnet("azurebastionsubnet", vnet, ["10.0.254.0/26"]);
        tf.subnet("Gateway-Subnet", vnet, ["10.0.255.0/27"]);
      },
    });
    const r = check(s.tf, ["SDZ-NET-002"]);
    expect(flagged(r, "SDZ-NET-002")).toEqual(["azurerm_subnet.Gateway-Subnet", "azurerm_subnet.azurebastionsubnet"]);
  });
});
