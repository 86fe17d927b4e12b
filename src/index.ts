// The public (jsii) API. Internal helpers stay out of this file on purpose: jsii exposes every
// symbol exported here to every target language.

// Network vocabulary
export { TrustLevel, Trust } from "./network/trust-level";
export { Protocol, Port } from "./network/port";
export { PeerKind, Peer } from "./network/peer";
export type { IZoneRef, IPeer } from "./network/peer";
export { ConstructErrors, ConstructErrorCode } from "./network/errors";
export type { ConstructErrorInfo } from "./network/errors";
export { ZoneTags, DeploymentRole } from "./contract/zone-tags";

// Zones
export { DeploymentNetwork } from "./zones/deployment-network";
export type { DeploymentNetworkProps, FlowLogOptions, TrafficAnalyticsOptions, RegisteredZone } from "./zones/deployment-network";
export { DeploymentZone, FlowDirection } from "./zones/deployment-zone";
export type { DeploymentZoneProps, ZoneOptions, ZoneRuleOptions, ZoneFlow, ZoneConnectionOptions } from "./zones/deployment-zone";

// Secrets
export { SensitiveValue } from "./core/sensitive-value";

// Checks
export { RuleLevel } from "./engine/rule";
export type { RuleInfo } from "./engine/rule";
export { FindingStatus } from "./engine/result";
export type { Finding, UnusedSuppression, FindingCounts, CheckResult, SettingRecord } from "./engine/result";
export { SecureDeploymentChecks } from "./checks/aspect";
export type { SecureDeploymentChecksProps } from "./checks/aspect";
export type { CheckPolicyOptions, ConfiguredSuppression } from "./policy/config";
export { Suppressions } from "./checks/suppressions";
export type { RuleSuppression } from "./checks/suppressions";
export { RuleCatalog } from "./rules/catalog";
export { CustomRule } from "./rules/custom-rule";
export type { ICustomRule, CustomRuleProps, CustomRulePack } from "./rules/custom-rule";
export { CustomRuleContext, ValueState, AccessOutcome, SourceKind, EvidenceSource, SettingProvenance } from "./rules/custom-rule-context";
export type {
  CustomRuleResource, CustomRuleValue, AccessSource, InboundAccessAnswer, RoleEvidence, RolesAnswer,
  ZoneEvidence, ZonesAnswer, SettingAnswer, CustomFindingOptions,
} from "./rules/custom-rule-context";

// Shared building blocks
export { SecureWindowsServer } from "./compute/secure-windows-server";
export type { SecureWindowsServerProps, WindowsServerImage, WindowsServerOptions } from "./compute/secure-windows-server";
export { SettingsAudit } from "./compute/settings-audit";
export type { GuestConfigurationPackage } from "./compute/settings-audit";
export { ConfigMgrSiteServer } from "./compute/configmgr-site-server";
export type { SecurityEventLogOptions } from "./compute/security-events";
export type { ConfigMgrRunAsOptions } from "./compute/configmgr-site-server";
export type { IDeploymentContentLocation } from "./core/content-location";

// Service zones (each area keeps its own index jsii-clean)
export * from "./pxe";
export * from "./identity";
export * from "./activation";
export * from "./migration";
export * from "./oob";
export * from "./ipsec";
export * from "./hub";
