import { azureFilesSigningNote, smbInsecureTransport, smbLegacyVersions, smbWeakAuthentication, smbWeakChannelEncryption } from "./smb-channel";
import { smpBackup, smpDeletesImmediately, smpSmbHardening } from "./state-migration-point";
import { publicStateStore, sharedKeyAccess } from "./storage-privacy";
import { shareRetention, stateShareBackup, stateStoreCapped, stateStoreDestroyProtection } from "./store-protection";
import { definePack } from "../../engine/rule";

/** The migration pack (SDZ-MIG-*; seed 001: state migration, deployment content over SMB). */
export const MIG_PACK = definePack("SDZ-MIG", "migration", [
  smbLegacyVersions, // SDZ-MIG-001
  smbInsecureTransport, // SDZ-MIG-002
  smbWeakChannelEncryption, // SDZ-MIG-003
  smbWeakAuthentication, // SDZ-MIG-004
  publicStateStore, // SDZ-MIG-005
  shareRetention, // SDZ-MIG-006
  stateShareBackup, // SDZ-MIG-007
  sharedKeyAccess, // SDZ-MIG-008
  smpSmbHardening, // SDZ-MIG-009
  azureFilesSigningNote, // SDZ-MIG-010
  stateStoreCapped, // SDZ-MIG-011
  smpDeletesImmediately, // SDZ-MIG-012
  smpBackup, // SDZ-MIG-013
  stateStoreDestroyProtection, // SDZ-MIG-014
]);
