import { secureTransferOffOrWeakTls } from "./secure-transfer-off-or-weak-tls";
import { shareSoftDeleteMissing } from "./share-soft-delete-missing";
import { smbChannelEncryptionWeak } from "./smb-channel-encryption-weak";
import { smbLegacyVersionsAccepted } from "./smb-legacy-versions-accepted";
import { smbSigningReplacedByEncryption } from "./smb-signing-replaced-by-encryption";
import { smbWeakAuthenticationAllowed } from "./smb-weak-authentication-allowed";
import { stateMigrationPointDeletesImmediately } from "./state-migration-point-deletes-immediately";
import { stateMigrationPointSmbNotHardened } from "./state-migration-point-smb-not-hardened";
import { stateMigrationPointWithoutBackup } from "./state-migration-point-without-backup";
import { stateShareWithoutBackup } from "./state-share-without-backup";
import { stateStoreNotCapped } from "./state-store-not-capped";
import { stateStoreReachableFromPublicNetworks } from "./state-store-reachable-from-public-networks";
import { stateStoreWithoutDestroyProtection } from "./state-store-without-destroy-protection";
import { storageSharedKeyAccessOn } from "./storage-shared-key-access-on";
import { definePack } from "../../engine/rule";

/**
 * The migration pack (SDZ-MIG-*; seed 001: state migration, deployment content over SMB). Storage
 * roles come from the engine's storage model (declared or inferred, with evidence); state migration
 * points from its state-migration-point model.
 */
export const MIG_PACK = definePack("SDZ-MIG", "migration", [
  smbLegacyVersionsAccepted, // SDZ-MIG-001
  secureTransferOffOrWeakTls, // SDZ-MIG-002
  smbChannelEncryptionWeak, // SDZ-MIG-003
  smbWeakAuthenticationAllowed, // SDZ-MIG-004
  stateStoreReachableFromPublicNetworks, // SDZ-MIG-005
  shareSoftDeleteMissing, // SDZ-MIG-006
  stateShareWithoutBackup, // SDZ-MIG-007
  storageSharedKeyAccessOn, // SDZ-MIG-008
  stateMigrationPointSmbNotHardened, // SDZ-MIG-009
  smbSigningReplacedByEncryption, // SDZ-MIG-010
  stateStoreNotCapped, // SDZ-MIG-011
  stateMigrationPointDeletesImmediately, // SDZ-MIG-012
  stateMigrationPointWithoutBackup, // SDZ-MIG-013
  stateStoreWithoutDestroyProtection, // SDZ-MIG-014
]);
