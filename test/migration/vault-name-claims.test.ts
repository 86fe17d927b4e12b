/**
 * Recovery Services vault names are unique per resource group (case 10): a second share or state
 * migration point creating a vault of a name another construct creates in the group is refused at
 * construction, naming the prop the name comes from; a refused construct gives the name back.
 */
import { adminPassword, migrationStack } from "./support";
import { ConstructErrorCode } from "../../src";
import { ContentLocationPurpose, FilesIdentitySource, StateMigrationPoint, StateMigrationShare, StateMigrationShareProps } from "../../src/migration";
import { Peer } from "../../src/network/peer";
import { errorOf } from "../support/construct-errors";
import { synthJson } from "../support/fixtures";

const ENTRA = { source: FilesIdentitySource.ENTRA_KERBEROS };
const HINT = "(Azure names resources of a type uniquely per resource group); for one vault backing up both, pass backup: { vault: <the other construct>.backupVault }";

function share(env: ReturnType<typeof migrationStack>, id: string, over: Partial<StateMigrationShareProps>) {
  return new StateMigrationShare(env.stack, id, { zone: env.storeZone, quotaGib: 100, identity: ENTRA, storageAccountName: "unset", ...over });
}

function vaultNames(json: any): string[] {
  return Object.values<any>(json.resource.azurerm_recovery_services_vault ?? {}).map((v) => v.name).sort();
}

describe("Recovery Services vault names per resource group (case 10)", () => {
  test("two shares naming the same vault: the second is refused, naming backup.vaultName and the first share; it leaves the tree", () => {
    const env = migrationStack();
    share(env, "State", { storageAccountName: "osdusmt01", backup: { vaultName: "osd-backup" } });
    const e = errorOf(() => share(env, "Images", { storageAccountName: "osdimages01", purpose: ContentLocationPurpose.DEPLOYMENT_CONTENT, backup: { vaultName: "OSD-Backup" } }));
    expect({ path: e.constructPath, prop: e.prop, value: e.valueText, code: e.code })
      .toEqual({ path: "test/Images", prop: "backup.vaultName", value: "\"OSD-Backup\"", code: ConstructErrorCode.DUPLICATE_VALUE });
    expect(e.allowed).toBe(`a value whose Recovery Services vault name "OSD-Backup" is not already used in resource group deploy-vnet-rg: test/State creates it there ${HINT}`);
    expect(env.stack.node.tryFindChild("Images")).toBeUndefined();
    // The storage account name the refused share claimed is free again; the documented way to share a vault works.
    const state = env.stack.node.findChild("State") as StateMigrationShare;
    share(env, "Images", { storageAccountName: "osdimages01", purpose: ContentLocationPurpose.DEPLOYMENT_CONTENT, backup: { vault: state.backupVault } });
    expect(vaultNames(synthJson(env.stack))).toEqual(["osd-backup"]);
  });

  test("a state migration point whose default vault name (<serverName>-rsv) is a share's default (<storageAccountName>-rsv): refused, naming serverName; it leaves the tree and gives back its claims", () => {
    const env = migrationStack();
    const password = adminPassword(env.stack);
    share(env, "Share", { storageAccountName: "osdstate01" });
    const smp = (id: string, serverName: string) => new StateMigrationPoint(env.stack, id, {
      zone: env.storeZone, serverName, privateIpAddress: "10.20.1.20", adminUsername: "smpadmin", adminPassword: password, storageQuotaGib: 512,
      clients: [Peer.zone(env.clients)], siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com",
    });
    const e = errorOf(() => smp("Smp", "osdstate01"));
    expect({ path: e.constructPath, prop: e.prop, value: e.valueText, code: e.code })
      .toEqual({ path: "test/Smp", prop: "serverName", value: "\"osdstate01\"", code: ConstructErrorCode.DUPLICATE_VALUE });
    expect(e.allowed).toBe(`a value whose Recovery Services vault name "osdstate01-rsv" is not already used in resource group deploy-vnet-rg: test/Share creates it there ${HINT}`);
    expect(env.stack.node.tryFindChild("Smp")).toBeUndefined();
    smp("Smp", "smp01");
    expect(vaultNames(synthJson(env.stack))).toEqual(["osdstate01-rsv", "smp01-rsv"]);
  });

  test("a state migration point refused by its server (an address another server holds) gives back its vault name", () => {
    const env = migrationStack();
    const password = adminPassword(env.stack);
    const smp = (id: string, serverName: string, privateIpAddress: string, vaultName: string) => new StateMigrationPoint(env.stack, id, {
      zone: env.storeZone, serverName, privateIpAddress, adminUsername: "smpadmin", adminPassword: password, storageQuotaGib: 512,
      clients: [Peer.zone(env.clients)], siteCode: "P01", siteSystemServerName: "smp01.corp.contoso.com", backup: { vaultName },
    });
    smp("First", "smp01", "10.20.1.20", "smp-vault");
    const e = errorOf(() => smp("Second", "smp02", "10.20.1.20", "other-vault"));
    expect({ path: e.constructPath, prop: e.prop }).toEqual({ path: "test/Second/Server", prop: "privateIpAddress" });
    expect(env.stack.node.tryFindChild("Second")).toBeUndefined();
    // The corrected retry takes the vault name the refused one had claimed.
    smp("Second", "smp02", "10.20.1.21", "other-vault");
    expect(vaultNames(synthJson(env.stack))).toEqual(["other-vault", "smp-vault"]);
  });
});
