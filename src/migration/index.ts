// Public API of the migration area: classes/enums with 'export { }', interfaces with 'export type { }' (jsii).
export { MigrationTags } from "../contract/migration-tags";
export {
  StateMigrationShare,
  ContentLocationPurpose,
  FileShareTier,
  FilesIdentitySource,
  DefaultSharePermission,
} from "./state-migration-share";
export type {
  StateMigrationShareProps,
  FilesIdentityOptions,
  FilesActiveDirectoryOptions,
  ContentShareBackupOptions,
} from "./state-migration-share";
export { StateMigrationPoint, DeletionIntervalUnit, FreeSpaceUnit } from "./state-migration-point";
export type { StateMigrationPointProps, StateMigrationPointBackupOptions } from "./state-migration-point";
export type { BackupOptions } from "./backup-vault";
