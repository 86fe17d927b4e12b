import { TerraformVariable } from "cdktf";
import * as fc from "fast-check";
import { ConstructErrorCode, ConstructErrors } from "../../src";
import { SecureWindowsServer } from "../../src/compute/secure-windows-server";
import { SensitiveValue } from "../../src/core/sensitive-value";
import { attributeErrors, invalidProp, invalidSecret } from "../../src/network/errors";
import { AZURE_NAMES, isValidAzureName } from "../../src/network/naming";
import { TrustLevel } from "../../src/network/trust-level";
import { claimUnique, UniqueKind } from "../../src/network/uniqueness";
import {
  requireAddressSpace, requireAdminUsername, requireAvailabilityZone, requireAzureName, requireBoolean, requireEnum, requireGuid, requireHostInZone,
  requireIpv4Address, requireTags, requireText, requireVmSize,
} from "../../src/network/validators";
import { DeploymentNetwork } from "../../src/zones/deployment-network";
import { DeploymentZone } from "../../src/zones/deployment-zone";
import { newStack } from "../support/fixtures";

/** The construction error `fn` throws, or undefined when it returns. Anything else (a TypeError) fails the test. */
function constructionError(fn: () => unknown) {
  try {
    fn();
    return undefined;
  } catch (e) {
    const info = ConstructErrors.describe(e);
    if (!info) throw new Error(`not a construction error: ${String(e)}`);
    return info;
  }
}

describe("ConstructError", () => {
  test("carries code, prop, value text and allowed values; a construct adds its path", () => {
    const e = constructionError(() => attributeErrors("app/Stack/Zone", () => {
      throw invalidProp("zoneName", "bad name", "letters and digits");
    }));
    expect(e).toEqual({
      code: ConstructErrorCode.INVALID_VALUE, prop: "zoneName", valueText: "\"bad name\"", allowed: "letters and digits", constructPath: "app/Stack/Zone", secret: false,
      message: "app/Stack/Zone: Invalid zoneName: \"bad name\". Allowed: letters and digits [SDZ-PROP-INVALID]",
    });
  });

  test("attributeErrors adds the path to an error without one, and keeps an existing one", () => {
    const inner = constructionError(() => attributeErrors("outer", () => attributeErrors("inner", () => {
      throw invalidProp("p", 1, "2");
    })));
    expect(inner).toMatchObject({ constructPath: "inner", prop: "p", valueText: "1", allowed: "2", code: ConstructErrorCode.INVALID_VALUE, secret: false });
    expect(inner!.message).toBe("inner: Invalid p: 1. Allowed: 2 [SDZ-PROP-INVALID]");
  });

  test("a secret's value is never rendered, stored or shown", () => {
    const e = constructionError(() => attributeErrors("x", () => {
      throw invalidSecret("adminPassword", "a SensitiveValue");
    }))!;
    expect(e).toMatchObject({ prop: "adminPassword", secret: true, code: ConstructErrorCode.UNSAFE_SECRET });
    expect(e.valueText).toBeUndefined();
    expect(e.message).toBe("x: Invalid adminPassword: <secret, not shown>. Allowed: a SensitiveValue [SDZ-PROP-SECRET]");
  });

  test("other errors are not construction errors", () => {
    expect(ConstructErrors.isConstructError(new TypeError("x"))).toBe(false);
    expect(ConstructErrors.describe("string")).toBeUndefined();
  });
});

describe("validators", () => {
  test("Azure names per resource type", () => {
    expect(isValidAzureName(AZURE_NAMES.storageAccount, "abc123")).toBe(true);
    expect(isValidAzureName(AZURE_NAMES.storageAccount, "Abc")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.resourceGroup, "rg(prod)_1")).toBe(true);
    expect(isValidAzureName(AZURE_NAMES.resourceGroup, "rg.")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.keyVault, "kv--x")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.keyVault, "1kv")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.windowsVm, "12345")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.virtualNetwork, "v")).toBe(false);
    expect(isValidAzureName(AZURE_NAMES.networkSecurityGroup, "nsg_")).toBe(true);
    expect(isValidAzureName(AZURE_NAMES.networkSecurityGroup, "nsg-")).toBe(false);
    expect(() => requireAzureName("name", " vnet", "virtualNetwork")).toThrow(/Invalid name: " vnet"\. Allowed: .*without surrounding whitespace/);
  });

  test("booleans, enums, GUIDs, text", () => {
    expect(requireBoolean("b", undefined, true)).toBe(true);
    expect(() => requireBoolean("b", "yes", false)).toThrow(/Invalid b: "yes"\. Allowed: true or false/);
    expect(requireEnum("t", undefined, TrustLevel, TrustLevel.INTERNAL)).toBe(TrustLevel.INTERNAL);
    expect(() => requireEnum("t", undefined as any, TrustLevel)).toThrow(/\[SDZ-PROP-MISSING\]/);
    expect(() => requireEnum("t", "HIGH" as any, TrustLevel)).toThrow(/Allowed: UNTRUSTED, PERIMETER, INTERNAL, MANAGEMENT/);
    expect(requireGuid("g", "7B2F6B43-5A4C-4D43-9A0E-1F2D3C4B5A69", "x")).toBe("7B2F6B43-5A4C-4D43-9A0E-1F2D3C4B5A69");
    expect(() => requireGuid("g", "7b2f6b43", "x")).toThrow(/Invalid g/);
    expect(requireText("d", "  why  ", 1, 10, "a reason")).toBe("why");
    expect(() => requireText("d", "   ", 1, 10, "a reason")).toThrow(/Invalid d: "   "\. Allowed: a reason of 1-10 characters/);
  });

  test("addresses: IPv4 only, hosts of a zone exclude Azure's reserved addresses", () => {
    expect(requireIpv4Address("ip", "10.0.0.4")).toBe("10.0.0.4");
    for (const bad of ["10.0.0.4/32", "10.0.0", "::1", "10.0.0.256", "", " 10.0.0.4"]) expect(() => requireIpv4Address("ip", bad)).toThrow(/Invalid ip/);
    const zone = { zoneName: "z", addressPrefix: "10.0.1.0/24" };
    expect(requireHostInZone("ip", "10.0.1.4", zone)).toBe("10.0.1.4");
    for (const bad of ["10.0.1.0", "10.0.1.3", "10.0.1.255", "10.0.2.4"]) expect(() => requireHostInZone("ip", bad, zone)).toThrow(/excluding the first four and the last/);
    expect(requireAddressSpace("s", ["10.0.0.0/16", "172.16.0.0/24"]).map((b) => b.text)).toEqual(["10.0.0.0/16", "172.16.0.0/24"]);
    expect(() => requireAddressSpace("s", ["10.0.0.0/16", "10.0.1.0/24"])).toThrow(/non-overlapping/);
    expect(() => requireAddressSpace("s", [])).toThrow(/non-empty list/);
  });

  test("admin names, zones, sizes, tags", () => {
    expect(requireAdminUsername("u", "ops.admin")).toBe("ops.admin");
    for (const bad of ["ops.", "ADMINISTRATOR", "root", "a".repeat(21), "ops admin", "ops@x"]) expect(() => requireAdminUsername("u", bad)).toThrow(/Invalid u/);
    expect(requireAvailabilityZone("z", undefined)).toBeUndefined();
    expect(() => requireAvailabilityZone("z", 1)).toThrow(/Invalid z: 1/);
    expect(requireVmSize("s", undefined, "Standard_D2s_v5")).toBe("Standard_D2s_v5");
    expect(() => requireVmSize("s", "   ", "x")).toThrow(/Invalid s/);
    expect(requireVmSize("s", "Standard_E4as_v5", "x")).toBe("Standard_E4as_v5");
    // Basic sizes have no Gen2 (Trusted Launch) and no premium storage: the server could not be created.
    expect(() => requireVmSize("s", "Basic_A1", "x")).toThrow(/Invalid s: "Basic_A1"\. Allowed: a Standard Azure VM size .*not a Basic_ size/);
    expect(requireTags("t", { a: "b" })).toEqual({ a: "b" });
    expect(() => requireTags("t", { a: 1 })).toThrow(/Invalid t\["a"\]: 1/);
    expect(() => requireTags("t", ["a"])).toThrow(/a map of tag names/);
  });

  test("uniqueness is per network for static IPs and per stack for server names", () => {
    const { stack } = newStack();
    const n1 = new DeploymentNetwork(stack, "N1", { name: "v1", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
    const n2 = new DeploymentNetwork(stack, "N2", { name: "v2", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true });
    claimUnique(n1, "ip", UniqueKind.STATIC_IP, "10.0.1.4", n1);
    expect(() => claimUnique(n2, "ip", UniqueKind.STATIC_IP, "10.0.1.4", n2)).not.toThrow();
    expect(() => claimUnique(n2, "ip", UniqueKind.STATIC_IP, "10.0.1.4", n1)).toThrow(/not already used in this network: test\/N1 uses it/);
    claimUnique(n1, "serverName", UniqueKind.SERVER_NAME, "App01");
    expect(() => claimUnique(n1, "serverName", UniqueKind.SERVER_NAME, "app01")).not.toThrow(); // the same owner may claim again
    expect(() => claimUnique(n2, "serverName", UniqueKind.SERVER_NAME, "APP01")).toThrow(/\[SDZ-PROP-DUPLICATE\]/);
  });
});

describe("property: random invalid input always gives a named construction error, never a TypeError", () => {
  const octet = fc.integer({ min: 0, max: 300 });
  const junk = fc.oneof(
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.constantFrom("", " ", "\t", "a b", "-x", "x-", "x.", "GatewaySubnet", "0.0.0.0/0", "10.0.0.0/33", "10.0.0.0/8 ", " 10.1.0.0/24"),
    fc.tuple(octet, octet, octet, octet, fc.integer({ min: 0, max: 40 }))
      .map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`),
    fc.anything(),
  );

  function network() {
    const { stack } = newStack();
    return { stack, network: new DeploymentNetwork(stack, "Net", { name: "vnet", location: "westeurope", addressSpace: ["10.0.0.0/16"], disableFlowLogs: true }) };
  }

  test("zone names and prefixes", () => {
    fc.assert(fc.property(junk, junk, (zoneName, addressPrefix) => {
      const { stack, network: net } = network();
      const e = constructionError(() => new DeploymentZone(stack, "Z", { network: net, zoneName, addressPrefix, trustLevel: TrustLevel.INTERNAL } as any));
      if (e) {
        expect(["zoneName", "addressPrefix", "tags"]).toContain(e.prop);
        expect(e.constructPath).toBe("test/Z");
      }
    }), { numRuns: 300 });
  });

  test("network names, address spaces and resource group names", () => {
    fc.assert(fc.property(junk, fc.array(junk, { maxLength: 3 }), junk, (name, addressSpace, resourceGroupName) => {
      const { stack } = newStack();
      const e = constructionError(() => new DeploymentNetwork(stack, "Net", { name, location: "westeurope", addressSpace, resourceGroupName, disableFlowLogs: true } as any));
      if (e) {
        expect(e.prop).toMatch(/^(name|addressSpace(\[\d+\])?|resourceGroupName)$/);
        expect(e.constructPath).toBe("test/Net");
      }
    }), { numRuns: 300 });
  });

  test("server names, admin names, static IPs, sizes, zones and tags", () => {
    fc.assert(fc.property(junk, junk, junk, junk, junk, fc.oneof(fc.dictionary(fc.string(), fc.anything()), fc.anything()),
      (serverName, adminUsername, privateIpAddress, size, availabilityZone, tags) => {
        const { stack, network: net } = network();
        const zone = new DeploymentZone(stack, "Z", { network: net, zoneName: "z", addressPrefix: "10.0.1.0/24", trustLevel: TrustLevel.INTERNAL });
        const adminPassword = SensitiveValue.fromVariable(new TerraformVariable(stack, "pw", { type: "string", sensitive: true }));
        const e = constructionError(() => new SecureWindowsServer(stack, "Srv", { zone, serverName, adminUsername, privateIpAddress, adminPassword, size, availabilityZone, tags } as any));
        if (e) {
          expect(e.prop).toMatch(/^(serverName|adminUsername|privateIpAddress|size|availabilityZone|tags(\[".*"\])?)$/s);
          expect(e.constructPath).toBe("test/Srv");
        }
      }), { numRuns: 300 });
  });
});
