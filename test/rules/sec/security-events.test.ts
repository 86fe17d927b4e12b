import { kmsPublishedByDnat, monitor, Pieces, SERVICE_RULES } from "./fixtures";
import { RuleLevel } from "../../../src/engine/rule";
import { SEC_PACK } from "../../../src/rules/sec";
import { Body, check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-SEC-001";

describe("security pack", () => {
  test("pins IDs, levels, requirements and the area; every rule has reads and good/bad examples", () => {
    expect(SEC_PACK.rules.map((r) => [r.id, r.level, r.requirements, r.area])).toEqual([
      ["SDZ-SEC-001", RuleLevel.WARNING, ["R-SEC-8"], "security-baseline"],
      ["SDZ-SEC-002", RuleLevel.ERROR, ["R-SEC-9"], "security-baseline"],
      ["SDZ-SEC-003", RuleLevel.ERROR, ["R-SEC-10"], "security-baseline"],
    ]);
    for (const r of SEC_PACK.rules) {
      expect(r.rationale).toMatch(/[Ss]eeds? 00\d/);
      expect(r.reads?.length).toBeGreaterThan(0);
      expect(r.examples?.bad.length).toBeGreaterThan(0);
      expect(r.examples?.good.length).toBeGreaterThan(0);
    }
  });
});

describe("SDZ-SEC-001 deployment servers send security events to Log Analytics", () => {
  describe.each(Object.keys(SERVICE_RULES))("an untagged %s (inferred)", (role) => {
    test.each(PLACEMENTS)("with its service rule %s and no monitoring: one warning on the VM naming every missing piece", (placement) => {
      const s = site(placement, SERVICE_RULES[role]);
      const r = check(s.tf, [ID]);
      expect(flagged(r, ID)).toEqual([s.vm]);
      expect(r.findings[0].level).toBe(RuleLevel.WARNING);
      const m = messages(r, ID)[0];
      expect(m).toContain(`${role}: inferred (reachable on`);
      expect(m).toMatch(/missing the Azure Monitor agent extension \(publisher Microsoft\.Azure\.Monitor, type AzureMonitorWindowsAgent\); a managed identity on the VM .*; a data collection rule association/);
    });

    test.each(PLACEMENTS)("with its service rule %s and the agent, identity, rule and association: no finding", (placement) => {
      const s = site(placement, SERVICE_RULES[role]);
      monitor(s.tf, s.vm);
      expect(check(s.tf, [ID]).findings).toEqual([]);
    });
  });

  test("a KMS host reachable only through a firewall DNAT rule for TCP 1688 is inferred and flagged", () => {
    const s = kmsPublishedByDnat();
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/kms-host: inferred/);
    monitor(s.tf, s.vm);
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("a declared role counts as well (state migration point, out-of-band service point)", () => {
    for (const role of ["state-migration-point", "oob-service-point"]) {
      const s = site("inline", [], { vmTags: { "sdz-role": role } });
      const r = check(s.tf, [ID]);
      expect([role, flagged(r, ID)]).toEqual([role, [s.vm]]);
      expect(messages(r, ID)[0]).toContain(`${role}: declared (sdz-role=${role}`);
    }
  });

  test("an untagged state migration point, inferred from the ConfigMgr script that adds the role to it, is in scope", () => {
    const s = site("inline", [], {
      extend: (tf, { subnet }) => {
        const cm = tf.windowsVm("cm01", [tf.nic("cm01_nic", subnet, "10.0.1.10")]);
        tf.add("azurerm_virtual_machine_run_command", "smp_role", { name: "smp-role", location: "westeurope", virtual_machine_id: TfJson.ref(cm), source: { script: "Add-CMStateMigrationPoint -SiteSystemServerName app01.corp.contoso.com -SiteCode P01" } });
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toContain("state-migration-point: inferred (azurerm_virtual_machine_run_command.smp_role configures it");
    monitor(s.tf, s.vm);
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test.each(PLACEMENTS)("an untagged out-of-band service point, the only source of the AMT allows (%s), is in scope", (placement) => {
    const sp = "azurerm_windows_virtual_machine.oobsp";
    const s = site(placement, [rule("allow-amt", 200, "Allow", "Tcp", "16992-16995", "10.0.9.10")], {
      extend: (tf, { vnet }) => {
        const mgmt = tf.subnet("management", vnet, ["10.0.9.0/24"]);
        tf.windowsVm("oobsp", [tf.nic("oobsp_nic", mgmt, "10.0.9.10")]);
      },
    });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([sp]);
    expect(messages(r, ID)[0]).toContain("oob-service-point: inferred (the only source of the allows written for Intel AMT");
    monitor(s.tf, sp);
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test("a VM with no deployment role (web server, reference computer, DNS only) is out of scope", () => {
    expect(check(site("inline", [rule("allow-web", 100, "Allow", "Tcp", "443", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
    expect(check(site("inline", [], { vmTags: { "sdz-role": "reference-computer" } }).tf, [ID]).findings).toEqual([]);
    expect(check(site("inline", [rule("allow-dns", 100, "Allow", "*", "53", "10.0.2.0/24")]).tf, [ID]).findings).toEqual([]);
  });

  test.each<[string, Pieces, RegExp]>([
    ["no agent", { agent: false }, /missing the Azure Monitor agent extension[^;]*$/],
    ["an agent of another type (the legacy Log Analytics agent)", { agent: { publisher: "Microsoft.EnterpriseCloud.Monitoring", type: "MicrosoftMonitoringAgent" } }, /missing the Azure Monitor agent extension/],
    ["no identity", { identity: false }, /missing a managed identity on the VM/],
    ["no association", { association: false }, /missing a data collection rule association/],
    ["a rule collecting only the System log", { dcr: { data_sources: { windows_event_log: [{ name: "system", streams: ["Microsoft-Event"], x_path_queries: ["System!*"] }] } } }, /the associated rules do not/],
    ["a rule sending Security events to a storage account only", { dcr: { destinations: { storage_blob: [{ name: "law", storage_account_id: "/x/sa", container_name: "c" }] } } }, /the associated rules do not/],
    ["a rule whose data flow carries another stream", { dcr: { data_flow: [{ streams: ["Microsoft-Perf"], destinations: ["law"] }] } }, /the associated rules do not/],
  ])("%s: flagged, naming only what is missing", (_what, pieces, text) => {
    const s = site("inline", SERVICE_RULES["kms-host"]);
    monitor(s.tf, s.vm, pieces);
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(text);
    expect(messages(r, ID)[0].match(/missing/g)).toHaveLength(1);
  });

  test("a narrower Security query and the Microsoft-Event stream are accepted", () => {
    const s = site("inline", SERVICE_RULES["kms-host"]);
    monitor(s.tf, s.vm, {
      dcr: {
        data_sources: { windows_event_log: [{ name: "logons", streams: ["Microsoft-Event"], x_path_queries: ["System!*", "Security!*[System[(EventID=4624 or EventID=4625)]]"] }] },
        data_flow: [{ streams: ["Microsoft-Event"], destinations: ["law"] }],
      },
    });
    expect(check(s.tf, [ID]).findings).toEqual([]);
  });

  test.each<[string, (tf: TfJson, vm: string) => void]>([
    ["the agent's publisher comes from a variable", (tf, vm) => monitor(tf, vm, { agent: { publisher: "${var.publisher}" } })],
    ["the agent's virtual_machine_id is a variable", (tf, vm) => monitor(tf, vm, { agent: { virtual_machine_id: "${var.vm_id}" } })],
    ["the associated rule is outside the configuration", (tf, vm) => monitor(tf, vm, { association: { data_collection_rule_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/shared" } })],
    ["the association's target is a variable", (tf, vm) => monitor(tf, vm, { association: { target_resource_id: "${var.target}" } })],
    ["the rule's XPath queries come from a variable", (tf, vm) => monitor(tf, vm, { dcr: { data_sources: { windows_event_log: [{ name: "s", streams: ["Microsoft-SecurityEvent"], x_path_queries: "${var.queries}" }] } } })],
    ["the rule's data sources are a dynamic block", (tf, vm) => monitor(tf, vm, { dcr: { data_sources: undefined, dynamic: { data_sources: { for_each: "${var.s}", content: {} } } } })],
    ["the identity type comes from a variable", (tf, vm) => monitor(tf, vm, { identity: { type: "${var.identity_type}" } })],
  ])("could-not-verify when %s", (_what, build) => {
    const s = site("inline", SERVICE_RULES["kms-host"]);
    build(s.tf, s.vm);
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
  });

  test("a missing piece is still a finding when another piece cannot be read, and says both", () => {
    const s = site("inline", SERVICE_RULES["kms-host"]);
    monitor(s.tf, s.vm, { agent: false, association: { data_collection_rule_id: "${var.dcr_id}" } });
    const r = check(s.tf, [ID]);
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/missing the Azure Monitor agent extension.*also could not verify: .*not known before apply/);
  });

  test("a VM whose role tag cannot be read, and whose rules show no service, is could-not-verify", () => {
    const s = site("inline", [], { extend: (tf, { vm }) => Object.assign(tf.json.resource.azurerm_windows_virtual_machine[vm.split(".")[1]], { tags: "${var.tags}" }) });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    // The same VM with an inferred role is judged on the inference.
    const inferred = site("inline", SERVICE_RULES["kms-host"], { extend: (tf, { vm }) => Object.assign(tf.json.resource.azurerm_windows_virtual_machine[vm.split(".")[1]], { tags: "${var.tags}" }) });
    expect(flagged(check(inferred.tf, [ID]), ID)).toEqual([inferred.vm]);
  });

  test("Linux servers need the Linux agent and a rule with auth/authpriv syslog", () => {
    const build = (dcr: Body, agentType: string) => {
      const tf = new TfJson();
      const nsg = tf.nsg("nsg", [...SERVICE_RULES["kms-host"], rule("deny-all", 4096, "Deny", "*", "*", "*")]);
      const subnet = tf.subnet("servers", tf.vnet("net"), ["10.0.1.0/24"]);
      tf.associate(subnet, nsg);
      const vm = tf.add("azurerm_linux_virtual_machine", "kms01", {
        name: "kms01", location: "westeurope", resource_group_name: "rg", size: "Standard_B2s", admin_username: "ops",
        network_interface_ids: [TfJson.ref(tf.nic("kms01_nic", subnet, "10.0.1.4"))], os_disk: { caching: "ReadWrite", storage_account_type: "Standard_LRS" },
        admin_ssh_key: [{ username: "ops", public_key: "ssh-ed25519 AAAA" }],
      });
      monitor(tf, vm, { agent: { name: agentType, type: agentType }, dcr });
      return { tf, vm };
    };
    const syslog: Body = {
      data_sources: { syslog: [{ name: "auth", streams: ["Microsoft-Syslog"], facility_names: ["auth", "authpriv"], log_levels: ["*"] }] },
      data_flow: [{ streams: ["Microsoft-Syslog"], destinations: ["law"] }],
    };
    const good = build(syslog, "AzureMonitorLinuxAgent");
    expect(check(good.tf, [ID]).findings).toEqual([]);
    const windowsAgent = build(syslog, "AzureMonitorWindowsAgent");
    expect(messages(check(windowsAgent.tf, [ID]), ID)[0]).toMatch(/missing the Azure Monitor agent extension \(publisher Microsoft\.Azure\.Monitor, type AzureMonitorLinuxAgent\)/);
    const securityChannel = build({}, "AzureMonitorLinuxAgent");
    expect(messages(check(securityChannel.tf, [ID]), ID)[0]).toMatch(/sends auth\/authpriv syslog/);
  });
});
