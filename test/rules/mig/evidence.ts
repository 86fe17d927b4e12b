import { ACCOUNT, ACCOUNT_NAME, addFilesEndpoint, addRunCommand, addScript, addSiteServerAdding, addVm, patch, SHARE, UNC } from "./builders";
import { TfJson } from "../../support/tf-json";

/** Every way the account/share under test becomes a state migration store, and what the evidence says. */
export const STATE_EVIDENCE: [string, (tf: TfJson) => void, RegExp][] = [
  ["sdz-role on the account", (tf) => patch(tf, ACCOUNT, { tags: { "sdz-role": "state-migration-store" } }), /declared: sdz-role=state-migration-store on azurerm_storage_account\.usmt/],
  ["sdz_role share metadata", (tf) => patch(tf, SHARE, { metadata: { sdz_role: "state-migration-store" } }), /declared: .*sdz_role=state-migration-store on azurerm_storage_share\.usmt/],
  ["a UNC path in a declared state migration point's extension", (tf) => {
    addScript(tf, "map", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `New-SmbGlobalMapping -RemotePath ${UNC} -LocalPath S:`);
  }, /inferred: .*\\\\contosousmt01\.file\.core\.windows\.net\\usmt in azurerm_virtual_machine_extension\.map on state migration point azurerm_windows_virtual_machine\.smp01 \(declared/],
  ["the Files host in an inferred state migration point's run command", (tf) => {
    addSiteServerAdding(tf, "-TimeDeleteAfter 7 -TimeUnit Days");
    addRunCommand(tf, "probe", addVm(tf, "smp01", "smp", "10.0.1.20"), `Test-NetConnection ${ACCOUNT_NAME}.file.core.windows.net -Port 445`);
  }, /inferred: the Files host contosousmt01\.file\.core\.windows\.net in azurerm_virtual_machine_run_command\.probe on state migration point azurerm_windows_virtual_machine\.smp01 \(inferred: azurerm_virtual_machine_run_command\.smp_role configures it/],
  ["the account name in a state migration point's script", (tf) => {
    addScript(tf, "map", addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" }), `$account = '${ACCOUNT_NAME}'; Connect-Store $account`);
  }, /inferred: the account name contosousmt01 in azurerm_virtual_machine_extension\.map/],
  ["a Files private endpoint in a declared state migration point's zone", (tf) => {
    addVm(tf, "smp01", "smp", "10.0.1.20", { "sdz-role": "state-migration-point" });
    addFilesEndpoint(tf, "usmt_pe", ACCOUNT, "smp");
  }, /inferred: its Files private endpoint azurerm_private_endpoint\.usmt_pe is in the zone of state migration point azurerm_windows_virtual_machine\.smp01/],
  ["a Files private endpoint in an inferred state migration point's zone", (tf) => {
    addSiteServerAdding(tf);
    addVm(tf, "smp01", "smp", "10.0.1.20");
    addFilesEndpoint(tf, "usmt_pe", ACCOUNT, "smp");
  }, /inferred: its Files private endpoint azurerm_private_endpoint\.usmt_pe is in the zone of state migration point azurerm_windows_virtual_machine\.smp01 \(inferred/],
];

