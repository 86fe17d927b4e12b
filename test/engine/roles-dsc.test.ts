/**
 * Roles inferred from PowerShell DSC: the DSC extension (publisher Microsoft.Powershell, type DSC) running the Azure
 * quickstart's CreateADPDC configuration (application-workloads/active-directory/active-directory-new-domain), or
 * registering the VM with Azure Automation State Configuration for a node configuration this configuration holds
 * (azurerm_automation_dsc_nodeconfiguration's MOF, or azurerm_automation_dsc_configuration's script). Settings schemas:
 * learn.microsoft.com/azure/virtual-machines/extensions/dsc-template. Raw untagged azurerm JSON.
 */
import { Reachability } from "../../src/engine/access/reachability";
import { Roles } from "../../src/engine/roles";
import { addZone } from "../rules/kms/sites";
import { roleClaims } from "../support/role-claims";
import { check, flagged, messages } from "../support/rule-harness";
import { Body, TfJson, rule } from "../support/tf-json";

const VM = "azurerm_windows_virtual_machine.srv";
const QUICKSTART_ZIP = "https://raw.githubusercontent.com/Azure/azure-quickstart-templates/master/application-workloads/active-directory/active-directory-new-domain/DSC/CreateADPDC.zip";
const QUICKSTART_DC = "installs Active Directory Domain Services (runs DSC configuration CreateADPDC: the Azure quickstart active-directory-new-domain's, which installs AD-Domain-Services and creates a forest with xADDomain)";
/** A password in the protected settings and in a MOF credential: no evidence may carry it. */
const SECRET = "Pa55w0rd-never-shown";

/** A VM `srv` in subnet app (10.0.5.0/24) whose NSG lets in RDP from `rdpFrom` only (no rule for Kerberos, LDAP or KMS), plus what `add` puts on it. */
function site(add: (tf: TfJson) => void, rdpFrom = "10.0.1.0/24"): TfJson {
  const tf = new TfJson();
  const vnet = tf.vnet("net", ["10.0.0.0/16"]);
  const app = tf.subnet("app", vnet, ["10.0.5.0/24"]);
  tf.associate(app, tf.nsg("app_nsg", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", rdpFrom), rule("deny-all", 4096, "Deny", "*", "*", "*")]));
  tf.windowsVm("srv", [tf.nic("srv_nic", app, "10.0.5.4")]);
  add(tf);
  return tf;
}

/** A DSC extension `name` on the VM with public `settings` (a JSON text, as a heredoc or JSON.stringify writes it) and `extra` fields. */
function dsc(settings: Body | string, name = "dsc", extra: Body = {}): (tf: TfJson) => void {
  return (tf) => tf.add("azurerm_virtual_machine_extension", name, {
    name, virtual_machine_id: TfJson.ref(VM), publisher: "Microsoft.Powershell", type: "DSC", type_handler_version: "2.83", auto_upgrade_minor_version: true,
    settings: typeof settings === "string" ? settings : JSON.stringify(settings), ...extra,
  });
}

/** The quickstart's extension (main.bicep's createADForest), as Terraform JSON: the admin password only in protected settings. */
function quickstart(modulesUrl = QUICKSTART_ZIP): (tf: TfJson) => void {
  return dsc({
    ModulesUrl: modulesUrl,
    ConfigurationFunction: "CreateADPDC.ps1\\CreateADPDC",
    Properties: { DomainName: "corp.example", AdminCreds: { UserName: "azureops", Password: "PrivateSettingsRef:AdminPassword" } },
  }, "create_ad_forest", { protected_settings: JSON.stringify({ Items: { AdminPassword: SECRET } }) });
}

/**
 * Onboarding to Azure Automation State Configuration as the usual heredoc writes it: the RegistrationMetaConfigV2
 * package, the registration URL from the Automation account (known only at apply), the key in protected settings.
 */
function automation(node: string, name = "dsc"): (tf: TfJson) => void {
  const settings = `{
    "WmfVersion": "latest",
    "ModulesUrl": "https://eus2oaasibizamarketprod1.blob.core.windows.net/automationdscpreview/RegistrationMetaConfigV2.zip",
    "ConfigurationFunction": "RegistrationMetaConfigV2.ps1\\\\RegistrationMetaConfigV2",
    "Properties": {
      "RegistrationKey": { "UserName": "PLACEHOLDER_DONOTUSE", "Password": "PrivateSettingsRef:registrationKeyPrivate" },
      "RegistrationUrl": "\${azurerm_automation_account.aa.dsc_server_endpoint}",
      "NodeConfigurationName": ${JSON.stringify(node)},
      "ConfigurationMode": "ApplyAndAutoCorrect",
      "RebootNodeIfNeeded": true
    }
  }`;
  return (tf) => {
    account(tf);
    dsc(settings, name, { protected_settings: JSON.stringify({ Items: { registrationKeyPrivate: "${azurerm_automation_account.aa.dsc_primary_access_key}" } }) })(tf);
  };
}

function account(tf: TfJson): void {
  tf.add("azurerm_automation_account", "aa", { name: "aa", location: "westeurope", resource_group_name: "rg", sku_name: "Basic" });
}

/** An Automation DSC configuration `name` whose script is `content`. */
function configuration(tfName: string, name: string, content: string): (tf: TfJson) => void {
  return (tf) => tf.add("azurerm_automation_dsc_configuration", tfName, {
    name, location: "westeurope", resource_group_name: "rg", automation_account_name: "${azurerm_automation_account.aa.name}", content_embedded: content,
  });
}

/** An Automation DSC node configuration `name` whose MOF is `content`. */
function nodeConfiguration(tfName: string, name: string, content: string): (tf: TfJson) => void {
  return (tf) => tf.add("azurerm_automation_dsc_nodeconfiguration", tfName, {
    name, resource_group_name: "rg", automation_account_name: "${azurerm_automation_account.aa.name}", content_embedded: content,
  });
}

/** MOF instances as DSC compiles them: the feature resource is MSFT_RoleResource, typed by its ResourceID. */
function mof(...instances: string[]): string {
  return [...instances, `instance of OMI_ConfigurationDocument
{
  Version="2.0.0";
  MinimumCompatibleVersion = "1.0.0";
  Name="DomainController";
};`].join("\n");
}

const MOF_CREDENTIAL = `instance of MSFT_Credential as $MSFT_Credential1ref
{
  Password = "${SECRET}";
  UserName = "corp\\\\azureops";
};`;

function mofFeature(id: string, feature: string, ensure = "Present"): string {
  return `instance of MSFT_RoleResource as $MSFT_RoleResource1ref
{
  ResourceID = "[WindowsFeature]${id}";
  Ensure = "${ensure}";
  SourceInfo = "::20::9::WindowsFeature";
  Name = "${feature}";
  ModuleName = "PsDesiredStateConfiguration";
  ModuleVersion = "1.0";
  ConfigurationName = "DomainController";
};`;
}

const MOF_XADDOMAIN = `instance of MSFT_xADDomain as $MSFT_xADDomain1ref
{
  ResourceID = "[xADDomain]FirstDS";
  DomainName = "corp.example";
  DomainAdministratorCredential = $MSFT_Credential1ref;
  SafemodeAdministratorPassword = $MSFT_Credential1ref;
  DependsOn = { "[WindowsFeature]ADDSInstall" };
  ModuleName = "xActiveDirectory";
  ModuleVersion = "3.0.0.0";
  ConfigurationName = "DomainController";
};`;

/** A configuration script with ActiveDirectoryDsc, its resources under `Node <node>`. */
function script(body: string): string {
  return `configuration DomainController
{
    param ([Parameter(Mandatory)] [PSCredential] $Credential)
    Import-DscResource -ModuleName PSDesiredStateConfiguration, ActiveDirectoryDsc
    ${body}
}`;
}

const AD_NODE = `Node localhost
    {
        WindowsFeature ADDS
        {
            Name   = 'AD-Domain-Services'
            Ensure = 'Present'
        }

        ADDomain 'corp.example'
        {
            DomainName                    = 'corp.example'
            Credential                    = $Credential
            SafemodeAdministratorPassword = $Credential
            ForestMode                    = 'WinThreshold'
            DependsOn                     = '[WindowsFeature]ADDS'
        }
    }`;

/** The KMS host and domain controller claims of the site's VM: [source, evidence]. */
const claims = (tf: TfJson) => roleClaims(tf, VM);

describe("a domain controller built by the DSC extension running the quickstart's CreateADPDC", () => {
  test("the quickstart's extension (ModulesUrl, ConfigurationFunction, Properties) makes a DC, cited as the extension and the configuration", () => {
    expect(claims(site(quickstart()))).toEqual({ dc: ["inferred", `extension azurerm_virtual_machine_extension.create_ad_forest ${QUICKSTART_DC}`] });
  });

  test("the same configuration in the current schema (configuration.url, .script, .function) is read too", () => {
    const tf = site(dsc({ wmfVersion: "latest", configuration: { url: QUICKSTART_ZIP, script: "CreateADPDC.ps1", function: "CreateADPDC" }, configurationArguments: { DomainName: "corp.example" } }));
    expect(claims(tf)).toEqual({ dc: ["inferred", `extension azurerm_virtual_machine_extension.dsc ${QUICKSTART_DC}`] });
  });

  test("a package location known only at apply (a variable in ModulesUrl) leaves the configuration's name readable", () => {
    expect(claims(site(quickstart("${var.artifacts_location}/DSC/CreateADPDC.zip"))).dc).toEqual(["inferred", `extension azurerm_virtual_machine_extension.create_ad_forest ${QUICKSTART_DC}`]);
  });

  test("settings the checks cannot read mark nothing: a variable, an expression, a configuration name from a variable, protected settings only", () => {
    for (const add of [
      dsc("${var.dsc_settings}"),
      dsc("${jsonencode({ ConfigurationFunction = \"CreateADPDC.ps1\\\\CreateADPDC\" })}"),
      dsc({ ModulesUrl: QUICKSTART_ZIP, ConfigurationFunction: "${var.configuration_function}" }),
      (tf: TfJson) => tf.add("azurerm_virtual_machine_extension", "dsc", {
        name: "dsc", virtual_machine_id: TfJson.ref(VM), publisher: "Microsoft.Powershell", type: "DSC", type_handler_version: "2.83",
        protected_settings: JSON.stringify({ configurationFunction: "CreateADPDC.ps1\\CreateADPDC" }),
      }),
    ]) {
      const tf = site(add);
      expect(claims(tf)).toEqual({});
      const model = tf.model();
      expect(Roles.of(model).ofVm(Reachability.of(model).access.topology.vms[0]).unknown).toBeUndefined();
    }
  });

  test("the configuration is named by the DSC extension only: a Custom Script Extension or another configuration that names CreateADPDC is no DC", () => {
    expect(claims(site(dsc({ ModulesUrl: QUICKSTART_ZIP, ConfigurationFunction: "CreateADPDC.ps1\\CreateADPDC" }, "cse", { publisher: "Microsoft.Compute", type: "CustomScriptExtension" })))).toEqual({});
    expect(claims(site(dsc({ ModulesUrl: "https://example.org/PrepareADBDC.zip", ConfigurationFunction: "PrepareADBDC.ps1\\CreateADPDCLater" })))).toEqual({});
  });

  test("no evidence carries a value of the settings: not the protected password, not the user name", () => {
    const model = site(quickstart()).model();
    const vm = Reachability.of(model).access.topology.vms[0];
    const evidence = Roles.of(model).ofVm(vm).claims.map((c) => c.evidence).join("\n");
    expect(evidence).not.toContain(SECRET);
    expect(evidence).not.toContain("azureops");
    expect(evidence).not.toContain("corp.example");
  });
});

describe("a node configuration of Azure Automation State Configuration that the VM's DSC extension registers it for", () => {
  test("its MOF declares xADDomain: a DC, citing the node configuration and the declared resource, never the MOF's credential", () => {
    const tf = site((t) => {
      automation("DomainController.localhost")(t);
      nodeConfiguration("dc", "DomainController.localhost", mof(MOF_CREDENTIAL, mofFeature("ADDSInstall", "AD-Domain-Services"), MOF_XADDOMAIN))(t);
    });
    const c = claims(tf);
    expect(c).toEqual({
      dc: ["inferred", "extension azurerm_virtual_machine_extension.dsc installs Active Directory Domain Services (registers the VM with Azure Automation for DSC node configuration DomainController.localhost, whose MOF azurerm_automation_dsc_nodeconfiguration.dc declares WindowsFeature AD-Domain-Services)"],
    });
    expect(c.dc![1]).not.toContain(SECRET);
  });

  test("a MOF with xADDomain alone (the feature installed elsewhere) is a DC; a node configuration name that resolves through a reference is read", () => {
    const tf = site((t) => {
      automation("${azurerm_automation_dsc_nodeconfiguration.dc.name}")(t);
      nodeConfiguration("dc", "DomainController.localhost", mof(MOF_CREDENTIAL, MOF_XADDOMAIN))(t);
    });
    expect(claims(tf).dc?.[1]).toBe("extension azurerm_virtual_machine_extension.dsc installs Active Directory Domain Services (registers the VM with Azure Automation for DSC node configuration DomainController.localhost, whose MOF azurerm_automation_dsc_nodeconfiguration.dc declares xADDomain)");
  });

  test("without a node configuration resource, the configuration's script is read (current schema: configurationArguments)", () => {
    const tf = site((t) => {
      account(t);
      dsc({
        configuration: { url: "https://eus2oaasibizamarketprod1.blob.core.windows.net/automationdscpreview/UpdateLCMforAAPull.zip", script: "UpdateLCMforAAPull.ps1", function: "ConfigureLCMforAAPull" },
        configurationArguments: { RegistrationUrl: "${azurerm_automation_account.aa.dsc_server_endpoint}", NodeConfigurationName: "DomainController.localhost", ConfigurationMode: "ApplyAndMonitor" },
      })(t);
      configuration("dc", "DomainController", script(AD_NODE))(t);
    });
    expect(claims(tf)).toEqual({
      dc: ["inferred", "extension azurerm_virtual_machine_extension.dsc installs Active Directory Domain Services (registers the VM with Azure Automation for DSC node configuration DomainController.localhost, whose configuration azurerm_automation_dsc_configuration.dc declares WindowsFeature AD-Domain-Services)"],
    });
  });

  test("a configuration with several nodes: only the VM's node block counts", () => {
    const body = `Node dc01
    {
        ADDomainController 'second'
        {
            DomainName = 'corp.example'
            Credential = $Credential
            SafeModeAdministratorPassword = $Credential
        }
    }
    Node 'web01'
    {
        WindowsFeature Web { Name = 'Web-Server'; Ensure = 'Present' }
        WaitForADDomain 'corp.example' { DomainName = 'corp.example' }
    }`;
    const withNode = (node: string) => site((t) => {
      automation(`Site.${node}`)(t);
      configuration("site", "Site", script(body))(t);
    });
    expect(claims(withNode("dc01")).dc?.[1]).toBe("extension azurerm_virtual_machine_extension.dsc installs Active Directory Domain Services (registers the VM with Azure Automation for DSC node configuration Site.dc01, whose configuration azurerm_automation_dsc_configuration.site declares ADDomainController)");
    expect(claims(withNode("web01"))).toEqual({});
    // A node the script does not name: nothing is known to apply to it.
    expect(claims(withNode("app01"))).toEqual({});
  });

  test("what does not make a DC: the feature removed, a member that waits for the domain, a commented-out resource, a node configuration name not known before apply, a MOF not known before apply", () => {
    const cases: ((t: TfJson) => void)[] = [
      (t) => {
        automation("Member.localhost")(t);
        nodeConfiguration("m", "Member.localhost", mof(mofFeature("NoADDS", "AD-Domain-Services", "Absent")))(t);
      },
      (t) => {
        automation("Member.localhost")(t);
        configuration("m", "Member", script(`Node localhost
    {
        WaitForADDomain 'corp.example' { DomainName = 'corp.example' }
        <# ADDomain 'corp.example' { DomainName = 'corp.example' } #>
        # xADDomain FirstDS { DomainName = 'corp.example' }
        WindowsFeature RSAT { Name = 'RSAT-AD-Tools'; Ensure = 'Present' }
    }`))(t);
      },
      (t) => {
        automation("${var.node_configuration}")(t);
        nodeConfiguration("dc", "DomainController.localhost", mof(MOF_XADDOMAIN))(t);
      },
      (t) => {
        automation("DomainController.localhost")(t);
        nodeConfiguration("dc", "DomainController.localhost", "${file(\"DomainController.localhost.mof\")}")(t);
      },
    ];
    for (const add of cases) expect(claims(site(add))).toEqual({});
  });

  test("two node configurations of that name (in two Automation accounts) are not told apart: neither is read", () => {
    const tf = site((t) => {
      automation("DomainController.localhost")(t);
      nodeConfiguration("dc", "DomainController.localhost", mof(MOF_XADDOMAIN))(t);
      nodeConfiguration("other", "DomainController.localhost", mof(mofFeature("Web", "Web-Server")))(t);
    });
    expect(claims(tf)).toEqual({});
  });

  test("a KMS host by DSC: WindowsFeature VolumeActivation, in a MOF or a script; a client's configuration is none", () => {
    const fromMof = site((t) => {
      automation("Kms.localhost")(t);
      nodeConfiguration("kms", "Kms.localhost", mof(mofFeature("VAS", "VolumeActivation")))(t);
    });
    expect(claims(fromMof)).toEqual({
      kms: ["inferred", "extension azurerm_virtual_machine_extension.dsc configures KMS activation (registers the VM with Azure Automation for DSC node configuration Kms.localhost, whose MOF azurerm_automation_dsc_nodeconfiguration.kms declares WindowsFeature VolumeActivation)"],
    });
    const fromScript = site((t) => {
      automation("Kms.localhost")(t);
      configuration("kms", "Kms", script("Node localhost { WindowsFeatureSet Activation { Name = @('VolumeActivation', 'RSAT-VA-Tools'); Ensure = 'Present' } }"))(t);
    });
    expect(claims(fromScript).kms?.[1]).toMatch(/declares WindowsFeatureSet VolumeActivation\)$/);
    // A KMS client's configuration: the host it activates against, in a Script resource; no host role.
    const client = site((t) => {
      automation("Client.localhost")(t);
      configuration("client", "Client", script("Node localhost { Script Kms { SetScript = { slmgr /skms 10.0.9.4:1688; slmgr /ato }; TestScript = { $false }; GetScript = { @{} } } }"))(t);
    });
    expect(claims(client)).toEqual({});
  });
});

describe("rules that read the roles, on hosts built by DSC (SDZ-KMS-006, SDZ-KMS-001)", () => {
  /** The quickstart's DC, RDP open to a PERIMETER zone dmz (10.0.50.0/24). */
  const perimeterSite = (add: (tf: TfJson) => void) => site((tf) => {
    add(tf);
    addZone(tf, "azurerm_virtual_network.net", "dmz", "10.0.50.0/24", { tags: { "sdz-trust": "PERIMETER" } });
  }, "10.0.50.0/24");

  test("reachable from a perimeter zone: the error is on the VM and names the DSC extension; without the extension, no role and no finding", () => {
    const r = check(perimeterSite(quickstart()), ["SDZ-KMS-006"]);
    expect(flagged(r, "SDZ-KMS-006")).toEqual([VM]);
    expect(messages(r, "SDZ-KMS-006")[0]).toMatch(/^domain controller is reachable from PERIMETER zone dmz \(10\.0\.50\.0\/24; [^)]*\) on TCP 3389 through rule "allow-rdp" of NSG app_nsg/);
    expect(messages(r, "SDZ-KMS-006")[0]).toContain(`(domain controller: inferred: extension azurerm_virtual_machine_extension.create_ad_forest ${QUICKSTART_DC})`);
    expect(check(perimeterSite(() => undefined), ["SDZ-KMS-006"]).findings).toEqual([]);
  });

  test("SDZ-KMS-001: one DSC configuration that makes the VM both a KMS host and a DC is reported on the VM, each role with its marker", () => {
    const both = `Node localhost
    {
        WindowsFeature VAS { Name = 'VolumeActivation'; Ensure = 'Present' }
        ADDomain 'corp.example' { DomainName = 'corp.example'; Credential = $Credential; SafemodeAdministratorPassword = $Credential }
    }`;
    const r = check(site((t) => {
      automation("Infra.localhost")(t);
      configuration("infra", "Infra", script(both))(t);
    }), ["SDZ-KMS-001"]);
    expect(flagged(r, "SDZ-KMS-001")).toEqual([VM]);
    expect(messages(r, "SDZ-KMS-001")[0]).toMatch(/KMS host \(.*azurerm_automation_dsc_configuration\.infra declares WindowsFeature VolumeActivation\)\) and a domain controller \(.*declares ADDomain\)\)/);
  });

  test("a DC by an Automation node configuration reachable from a public address is reported too", () => {
    const tf = site((t) => {
      automation("DomainController.localhost")(t);
      nodeConfiguration("dc", "DomainController.localhost", mof(MOF_XADDOMAIN))(t);
    }, "203.0.113.7");
    const r = check(tf, ["SDZ-KMS-006"]);
    expect(flagged(r, "SDZ-KMS-006")).toEqual([VM]);
    expect(messages(r, "SDZ-KMS-006")[0]).toMatch(/reachable from public addresses 203\.0\.113\.7 on TCP 3389 .*whose MOF azurerm_automation_dsc_nodeconfiguration\.dc declares xADDomain\)/);
  });
});
