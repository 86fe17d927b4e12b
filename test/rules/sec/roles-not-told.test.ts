/**
 * A VM whose role tag cannot be read: one could-not-verify (SDZ-SEC-001's) naming every role nothing
 * else shows and the checks of each that did not run, instead of one per pack or none (PXE, REF).
 */
import { SERVICE_RULES } from "./fixtures";
import { FindingStatus } from "../../../src/engine/result";
import { Body, check, flagged, messages, PLACEMENTS, rule, site, TfJson, unverifiedAt } from "../../support/rule-harness";

const ID = "SDZ-SEC-001";
const VAR_TAGS = "${var.tags}";

/** The VM's resource body, to change its tags. */
function vmBody(tf: TfJson, vm: string): Body {
  return tf.json.resource.azurerm_windows_virtual_machine[vm.split(".")[1]];
}

/** Every could-not-verify finding of a run, as `rule address`. */
function unverified(r: ReturnType<typeof check>): string[] {
  return r.findings.filter((f) => f.status === FindingStatus.UNVERIFIED).map((f) => `${f.ruleId} ${f.address}`).sort();
}

describe("a VM whose role tag cannot be read", () => {
  test.each(PLACEMENTS)("with a public IP and nothing that shows a role (%s rules): one could-not-verify from all packs, SDZ-SEC-001's", (placement) => {
    const s = site(placement, [rule("allow-rdp-mgmt", 100, "Allow", "Tcp", "3389", "10.0.9.0/24")], { publicIp: true, vmTags: { "sdz-role": "${var.role}" } });
    const r = check(s.tf);
    expect(unverified(r)).toEqual([`${ID} ${s.vm}`]);
    const m = messages(r, ID).join("\n");
    expect(m).toMatch(/whether azurerm_windows_virtual_machine\.app01 is any of pxe-distribution-point, kms-host, domain-controller, state-migration-point, oob-service-point, reference-computer could not be told/);
    expect(m).toMatch(/its sdz-role tag is not known before apply/);
    // The checks it names, one pack after the other: the PXE public IP check among them (it was silent: review D8).
    for (const named of ["SDZ-SEC-001", "SDZ-SEC-003", "distribution point rules of the PXE pack (public IP", "SDZ-KMS-001, 004, 005, 006, 008", "SDZ-MIG-009, 011, 012, 013", "out-of-band service point", "SDZ-REF-001 to 005"]) {
      expect(m).toContain(named);
    }
  });

  test("the same VM with readable tags that name no role: no notice", () => {
    const s = site("inline", [], { vmTags: { owner: "ops" } });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([]);
  });

  test("a role value that is not a role list is as unreadable as a variable", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "usmt-server" } });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/sdz-role tag is "usmt-server"/);
  });

  test("a NIC whose tags cannot be read: the notice is on the VM and names the NIC", () => {
    const s = site("inline", [], { extend: (tf, { nic }) => Object.assign(tf.json.resource.azurerm_network_interface[nic.split(".")[1]], { tags: VAR_TAGS }) });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/\(azurerm_network_interface\.app01_nic: /);
  });

  test("an inferred KMS host: the notice leaves out the roles it holds, and domain controller to SDZ-KMS-001", () => {
    const s = site("inline", SERVICE_RULES["kms-host"], { extend: (tf, { vm }) => Object.assign(vmBody(tf, vm), { tags: VAR_TAGS }) });
    const r = check(s.tf, [ID, "SDZ-SEC-003", "SDZ-KMS-001", "SDZ-MIG-009", "SDZ-PXE-013"]);
    // Judged as a KMS host on the inference (no agent: a finding), plus the one notice for the other roles.
    expect(flagged(r, ID)).toEqual([s.vm]);
    expect(unverified(r)).toEqual([`SDZ-KMS-001 ${s.vm}`, `${ID} ${s.vm}`]);
    const notice = r.findings.find((f) => f.ruleId === ID && f.status === FindingStatus.UNVERIFIED)!.message;
    expect(notice).toMatch(/is any of pxe-distribution-point, state-migration-point, oob-service-point, reference-computer could not be told/);
    expect(notice).not.toMatch(/kms-host|domain-controller|SDZ-SEC-003/);
    expect(messages(r, "SDZ-KMS-001")[0]).toMatch(/whether it is also a domain controller cannot be told/);
  });

  test("an inferred reference computer (a sysprep script): the notice names the server roles only", () => {
    const s = site("inline", [], {
      extend: (tf, { vm }) => {
        Object.assign(vmBody(tf, vm), { tags: VAR_TAGS });
        tf.add("azurerm_virtual_machine_extension", "capture", {
          name: "capture", virtual_machine_id: TfJson.ref(vm), publisher: "Microsoft.Compute", type: "CustomScriptExtension", type_handler_version: "1.10",
          settings: JSON.stringify({ commandToExecute: "powershell -Command \"C:\\Windows\\System32\\Sysprep\\sysprep.exe /generalize /oobe /shutdown\"" }),
        });
      },
    });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/is any of pxe-distribution-point, kms-host, domain-controller, state-migration-point, oob-service-point could not be told/);
    expect(messages(r, ID)[0]).not.toMatch(/SDZ-REF/);
  });

  test("the rules that used to say it each (SDZ-SEC-003, SDZ-MIG-009) leave it to SDZ-SEC-001, and say it again when that rule does not run", () => {
    const s = site("inline", [], { vmTags: { "sdz-role": "${var.role}" } });
    expect(unverified(check(s.tf, [ID, "SDZ-SEC-003", "SDZ-MIG-009", "SDZ-PXE-013"]))).toEqual([`${ID} ${s.vm}`]);
    // SDZ-SEC-001 excluded: no silent pass (review s13).
    const r = check(s.tf, ["SDZ-SEC-003", "SDZ-MIG-009", "SDZ-PXE-013"]);
    expect(unverified(r)).toEqual([`SDZ-MIG-009 ${s.vm}`, `SDZ-SEC-003 ${s.vm}`]);
    expect(messages(r, "SDZ-SEC-003")[0]).toMatch(/whether azurerm_windows_virtual_machine\.app01 is a kms-host, domain-controller could not be told .*so automatic patching was not checked/);
  });
});

/**
 * Roles the network may show but cannot tell (review-fp F1): a rule written for a role's service whose
 * reach of the VM depends on a value not known before apply. The VM was dropped from every role-scoped
 * check without a word (a DC pair with an address from a function passed); now SDZ-SEC-001 says once
 * which role and which checks did not run, naming the rule and the field.
 */
describe("a VM a rule written for a role's service may reach (a value not known before apply)", () => {
  const CIDRHOST = "${cidrhost(azurerm_subnet.servers.address_prefixes[0], 4)}";
  const withDestination = (destination: string) => [{ ...rule("allow-kms", 100, "Allow", "Tcp", "1688", "10.0.2.0/24"), destination_address_prefix: destination }];

  test.each(PLACEMENTS)("KMS rule whose destination is a function call (%s rules): SDZ-SEC-001 names kms-host, the rule and the field", (placement) => {
    const s = site(placement, withDestination(CIDRHOST));
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    const m = messages(r, ID)[0];
    expect(m).toMatch(/whether azurerm_windows_virtual_machine\.app01 is kms-host could not be told \(rule "allow-kms" of NSG [\w-]+ may let TCP 1688 reach it/);
    expect(m).toContain("destination_address_prefix");
    expect(m).toContain("SDZ-KMS-001, 004, 005, 006, 008");
  });

  test("the same rule with a literal destination: the role is inferred, no notice", () => {
    const s = site("inline", withDestination("10.0.1.4"));
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([]);
    expect(flagged(r, ID)).toEqual([s.vm]);
  });

  test("a destination that surely is another host: no role, no notice", () => {
    const s = site("inline", withDestination("10.0.1.99"));
    expect(check(s.tf, [ID]).findings.filter((f) => f.ruleId === ID)).toEqual([]);
  });

  test("a NIC whose subnet comes from a data source, beside an NSG with a KMS rule: kms-host is left open", () => {
    const s = site("inline", SERVICE_RULES["kms-host"], {
      extend: (tf, { nic }) => { (tf.json.resource.azurerm_network_interface[nic.split(".")[1]].ip_configuration as Body[])[0].subnet_id = "${data.azurerm_subnet.kms.id}"; },
    });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    expect(messages(r, ID)[0]).toMatch(/is kms-host could not be told \(its network interface cannot be followed to its subnet \(.*data source azurerm_subnet\.kms.*\), and rule "allow-kms" of NSG [\w-]+ is written for TCP 1688\)/);
  });

  test("a VM whose NIC link cannot be followed (count.index) beside a rule for Kerberos and LDAP: domain-controller is left open, named once", () => {
    const s = site("inline", [rule("allow-ad", 100, "Allow", "Tcp", ["88", "389"], "10.0.2.0/24")], {
      extend: (tf, { vm }) => { vmBody(tf, vm).network_interface_ids = ["${azurerm_network_interface.app01_nic[count.index].id}"]; },
    });
    const r = check(s.tf, [ID]);
    expect(unverifiedAt(r, ID)).toEqual([s.vm]);
    const m = messages(r, ID)[0];
    expect(m).toMatch(/is domain-controller could not be told \(its network interface cannot be followed to its subnet/);
    expect(m.match(/cannot be followed/g)).toHaveLength(1);
  });

  test("the same VM with no rule written for a role's service anywhere: no notice", () => {
    const s = site("inline", [rule("allow-rdp", 100, "Allow", "Tcp", "3389", "10.0.9.0/24")], {
      extend: (tf, { vm }) => { vmBody(tf, vm).network_interface_ids = ["${azurerm_network_interface.app01_nic[count.index].id}"]; },
    });
    expect(unverifiedAt(check(s.tf, [ID]), ID)).toEqual([]);
  });

  test("with SDZ-SEC-001 excluded, the role-scoped rule says it itself (SDZ-SEC-003)", () => {
    const s = site("inline", withDestination(CIDRHOST));
    const r = check(s.tf, ["SDZ-SEC-003"]);
    expect(unverifiedAt(r, "SDZ-SEC-003")).toEqual([s.vm]);
    expect(messages(r, "SDZ-SEC-003")[0]).toMatch(/whether azurerm_windows_virtual_machine\.app01 is a kms-host could not be told \(rule "allow-kms"/);
  });
});
