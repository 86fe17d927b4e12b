/**
 * Deployment roles of VMs, with evidence: declared by the `sdz-role` tag (on the VM or its NICs) or
 * inferred from the configuration: what the network lets in on the service's ports through a rule
 * written for them (for PXE, a rule that targets the host, unless no host of its segment serves PXE
 * on its own: see SIGNATURES), what the scripts that run on the VM (extensions, run commands) do, and what the
 * PowerShell DSC configuration its DSC extension applies declares. Like a script the checks cannot read,
 * a DSC setting or document not known before apply marks nothing and adds no could-not-verify.
 * Findings say which evidence made a rule apply, so a user can tell "you told us" from "we saw".
 */
import { Endpoint } from "./access/access-model";
import { Reachability } from "./access/reachability";
import { Subnet, Vm } from "./access/topology";
import { certainNamingRule, Decider, mayHaveNamingRule, mayName, namingDecider, reachOn, ruleWrittenFor, serviceDeciderOf } from "./exposure";
import { TerraformModel, TfResource } from "./model";
import { DscResource, DscRun, Settings } from "./settings";
import { InOrder, TextTest } from "../contract/in-order";
import { DeploymentRole, ZONE_TAG } from "../contract/zone-tags";
import { SERVICE_PORTS, ServicePort } from "../network/service-ports";

/** One role of a resource and why the checks believe it. */
export interface RoleClaim {
  readonly role: DeploymentRole;
  readonly source: "declared" | "inferred";
  /** E.g. `sdz-role=kms-host on azurerm_windows_virtual_machine.kms` or `reachable on TCP 1688 through rule "allow-kms"`. */
  readonly evidence: string;
}

/** The roles of a VM, and why some could not be read. */
export interface VmRoles {
  readonly vm: Vm;
  readonly claims: readonly RoleClaim[];
  /** The role tag could not be read (a tags block or value not known before apply, or not a role list). */
  readonly unknown?: string;
  /**
   * Roles the network may show but cannot tell: a rule written for the role's service may let it reach
   * the VM, and a value that decides whether it does is not known before apply (the VM's address from
   * `count.index`, a destination from a function, a NIC whose subnet cannot be followed). Fail closed:
   * the role is neither claimed nor dropped; SDZ-SEC-001 says which checks did not run (roles-not-told.ts).
   */
  readonly mayHold?: readonly { readonly role: DeploymentRole; readonly why: string }[];
}

/**
 * Services whose reachability, through a rule written for them, marks a role. `targeted`: the rule
 * must target the host: it lets no other host of the host's subnet in on the port. Only one host of a
 * segment may answer PXE (R-PXE-10), and a PXE rule written for the whole segment is itself a finding
 * (SDZ-PXE-012), so it says nothing about which host serves PXE; a subnet-wide rule for Kerberos, DNS
 * or KMS is how a pair of domain controllers or DNS servers is commonly opened, and marks each of them.
 */
const SIGNATURES: { role: DeploymentRole; all: ServicePort[][]; targeted?: boolean }[] = [
  { role: DeploymentRole.KMS_HOST, all: [[SERVICE_PORTS.KMS]] },
  // A domain controller answers Kerberos and LDAP.
  { role: DeploymentRole.DOMAIN_CONTROLLER, all: [[SERVICE_PORTS.KERBEROS_TCP, SERVICE_PORTS.KERBEROS_UDP], [SERVICE_PORTS.LDAP_TCP, SERVICE_PORTS.LDAP_UDP]] },
  { role: DeploymentRole.DNS_SERVER, all: [[SERVICE_PORTS.DNS_UDP, SERVICE_PORTS.DNS_TCP]] },
  { role: DeploymentRole.PXE_DISTRIBUTION_POINT, all: [[SERVICE_PORTS.DHCP_SERVER, SERVICE_PORTS.TFTP, SERVICE_PORTS.PXE_BINL]], targeted: true },
  { role: DeploymentRole.OOB_SERVICE_POINT, all: [[SERVICE_PORTS.AMT_PROVISIONING]] },
];

/** Terms in order where `.*` would join them (within a line: `.` matches no line terminator), in linear time ({@link InOrder}). */
function inOrder(...terms: RegExp[]): InOrder {
  return InOrder.of(terms, "\n\r\u2028\u2029");
}

/** A statement of a script that marks a role: it matches every pattern of `all` and no pattern of `none`. */
interface ScriptMarker {
  readonly all: readonly TextTest[];
  readonly none?: TextTest;
  /** What the statement does, for the evidence. */
  readonly what?: string;
}

/**
 * What a script that runs on the VM does that marks a role, read in the scripts of the settings
 * model ({@link Settings.scriptsOn}: extensions' public settings, run commands' inline scripts,
 * PowerShell `-EncodedCommand` decoded), one statement at a time (see {@link statements}). A script the
 * checks cannot read ({@link Settings.hiddenScriptsOn}: protected settings, a script URI, a value
 * not known before apply) marks nothing: a role is evidence of what the VM does, an unreadable
 * script is no evidence either way, so it adds neither a claim nor a could-not-verify (the
 * `sdz-role` tag and the network signatures still apply).
 */
const SCRIPT_SIGNATURES: { role: DeploymentRole; what: string; markers: readonly ScriptMarker[] }[] = [
  {
    // Only what a KMS *host* does. A KMS client runs `slmgr /skms <host>[:port]` (names the host it activates
    // against), `/ckms`, `/ato` (activates), `/dlv`, `/xpr`: the "KMS client options" and "Global options" of
    // learn.microsoft.com/windows-server/get-started/activation-slmgr-vbs-options. `slmgr /ipk <key>` is no
    // marker either: it installs any product key, and the same `/ipk` + `/ato` install and activate a GVLK on a
    // KMS client (learn.microsoft.com/windows-server/get-started/kms-client-activation-keys), a MAK on a client
    // activated online, or a KMS host key (the /ato row: "volume systems that have a KMS host key or a Multiple
    // Activation Key (MAK) installed"). The key's text does not say which, so a host set up with /ipk alone is
    // declared (sdz-role=kms-host) or inferred from a network rule written for TCP 1688.
    role: DeploymentRole.KMS_HOST, what: "configures KMS activation",
    markers: [
      // learn.microsoft.com/windows-server/get-started/kms-create-host, "Install the Volume Activation Services role".
      { all: [inOrder(/\b(Install|Add)-WindowsFeature\b/i, /\bVolumeActivation\b/i)], what: "installs the Volume Activation Services role" },
      // The "KMS host configuration options" of activation-slmgr-vbs-options: /sai, /sri, /sprt, /sdns, /cdns, /spri, /cpri.
      { all: [inOrder(/\bslmgr(\.vbs)?\b/i, /\s[/-](sai|sri|sprt|sdns|cdns|spri|cpri)\b/i)], what: "sets a KMS host option with slmgr" },
      // SoftwareLicensingService methods for a KMS host (learn.microsoft.com/previous-versions/windows/desktop/sppwmi/softwarelicensingservice):
      // SetKeyManagementServiceListeningPort "applies to KMS hosts only", SetVLActivationInterval errs when "the machine is not a key
      // management service". The client's methods (SetKeyManagementServiceMachine, SetKeyManagementServicePort, InstallProductKey) are not here.
      { all: [/\b((Set|Clear)KeyManagementServiceListeningPort|DisableKeyManagementServiceDnsPublishing|EnableKeyManagementServiceLowPriority|SetVL(Activation|Renewal)Interval)\b/i], what: "sets a KMS host option through WMI" },
      // Registry values of scope "KMS" (the host), not "KMS client" (KeyManagementServiceName, KeyManagementServicePort): "Registry
      // Settings for Volume Activation", learn.microsoft.com/previous-versions/windows/it-pro/windows-server-2012-r2-and-2012/dn502532(v=ws.11).
      { all: [/\b(Set-ItemProperty|New-ItemProperty|reg(\.exe)?\s+add)\b/i, /\b(DisableDnsPublishing|DnsDomainPublishList|EnableKmsLowPriority|KeyManagementServiceListeningPort)\b/i], what: "sets a KMS host option in the registry" },
      // The host's own inbound rule, enabled: kms-create-host, "Configure Windows Firewall" (Set-NetFirewallRule -Name SPPSVC-In-TCP
      // ... -Enabled True), or its "Key Management Service" group (a rule disabled, as KmsHost's script does before adding its own, is not).
      { all: [/SPPSVC-In-TCP|Key Management Service/i, InOrder.anyOf(/\bEnable-NetFirewallRule\b|\benable=yes\b/i, inOrder(/\bSet-NetFirewallRule\b/i, /-Enabled\s+['"]?\$?True\b/i))], what: "enables the KMS host's inbound firewall rule" },
      // A rule of its own that lets TCP 1688 in (New-NetFirewallRule's -Direction defaults to Inbound; a -RemotePort 1688 Outbound
      // rule is a client's way out to its host).
      { all: [inOrder(/\bNew-NetFirewallRule\b/i, /-LocalPort\s+[^-]*?\b1688\b/i)], none: /-Direction\s+['"]?Outbound\b/i, what: "opens TCP 1688 inbound in Windows Firewall" },
      { all: [inOrder(/\bnetsh\b/i, /\bdir=in\b/i), /\blocalport=\S*\b1688\b/i], what: "opens TCP 1688 inbound in Windows Firewall" },
    ],
  },
  {
    role: DeploymentRole.DOMAIN_CONTROLLER, what: "installs Active Directory Domain Services",
    // The ADDSDeployment cmdlets that promote (learn.microsoft.com/powershell/module/addsdeployment): Install-ADDSForest,
    // Install-ADDSDomain, Install-ADDSDomainController; or the AD DS role. Uninstall-ADDSDomainController demotes and
    // Uninstall-/Remove-WindowsFeature AD-Domain-Services removes the role: neither marks a DC.
    markers: [{ all: [/\bInstall-ADDS(Forest|DomainController|Domain)\b|AD-Domain-Services/i], none: /\b(Uninstall|Remove)-WindowsFeature\b/i }],
  },
];

/**
 * What a PowerShell DSC document that applies to the VM declares that marks a role ({@link Settings.dscOn}: the MOF of
 * the Azure Automation node configuration the VM's DSC extension registers it for, or the node's block of the
 * configuration script it is compiled from). A resource with `Ensure = "Absent"` removes what it names and marks nothing.
 */
const DSC_SIGNATURES: { role: DeploymentRole; marks: (r: DscResource) => string | undefined }[] = [
  {
    role: DeploymentRole.KMS_HOST,
    // The Volume Activation Services role, as Install-WindowsFeature VolumeActivation installs it above (kms-create-host).
    marks: (r) => (!r.absent && isFeature(r, "VolumeActivation") ? `${r.type} VolumeActivation` : undefined),
  },
  {
    role: DeploymentRole.DOMAIN_CONTROLLER,
    // xActiveDirectory's xADDomain ("DSC resource to install a new Active Directory forest configuration, or a child domain
    // in an existing forest", MSFT_xADDomain.psm1) and xADDomainController, ActiveDirectoryDsc's ADDomain and
    // ADDomainController (powershellgallery.com/packages/ActiveDirectoryDsc: "configure new domains, child domains, and high
    // availability domain controllers"); and the AD DS role itself, as the script marker reads AD-Domain-Services.
    marks: (r) => (/^x?ADDomain(Controller)?$/i.test(r.type) ? r.type : !r.absent && isFeature(r, "AD-Domain-Services") ? `${r.type} AD-Domain-Services` : undefined),
  },
];

/** A WindowsFeature (or WindowsFeatureSet) resource that names the feature. */
function isFeature(r: DscResource, feature: string): boolean {
  return /^WindowsFeature(Set)?$/i.test(r.type) && r.features.some((f) => f.toLowerCase() === feature.toLowerCase());
}

/**
 * DSC configurations known by name, whose package is not in the configuration: the Azure quickstart
 * application-workloads/active-directory/active-directory-new-domain runs `CreateADPDC.ps1\CreateADPDC` (DSC/CreateADPDC.zip)
 * through the DSC extension, and that configuration installs AD-Domain-Services and declares `xADDomain FirstDS`
 * (github.com/Azure/azure-quickstart-templates, that folder's main.bicep and DSC/CreateADPDC.ps1).
 */
const KNOWN_DSC_CONFIGURATIONS: { name: string; role: DeploymentRole; what: string }[] = [
  { name: "CreateADPDC", role: DeploymentRole.DOMAIN_CONTROLLER, what: "the Azure quickstart active-directory-new-domain's, which installs AD-Domain-Services and creates a forest with xADDomain" },
];

/** Why a DSC extension marks a role, if it does: the evidence's parenthesis. */
function dscEvidence(run: DscRun, role: DeploymentRole): string | undefined {
  const known = KNOWN_DSC_CONFIGURATIONS.find((k) => k.role === role && k.name.toLowerCase() === run.configuration?.toLowerCase());
  if (known) return `runs DSC configuration ${known.name}: ${known.what}`;
  const sig = DSC_SIGNATURES.find((d) => d.role === role)!;
  const doc = run.document;
  const mark = doc ? firstOf(doc.resources, sig.marks) : undefined;
  return mark ? `registers the VM with Azure Automation for DSC node configuration ${run.nodeConfiguration}, whose ${doc!.resource.type === "azurerm_automation_dsc_nodeconfiguration" ? "MOF" : "configuration"} ${doc!.resource.address} declares ${mark}` : undefined;
}

function firstOf<T>(items: readonly T[], f: (x: T) => string | undefined): string | undefined {
  for (const x of items) {
    const v = f(x);
    if (v) return v;
  }
  return undefined;
}

/** The statements of a script: its lines without PowerShell and batch comments, split at `;` and `&`. */
function statements(text: string): string[] {
  return text.split("\n").filter((l) => !/^\s*(#|rem\s|::)/i.test(l)).flatMap((l) => l.split(/[;&]/));
}

/** How a finding names the resource a script comes from. */
function scriptKind(r: TfResource): string {
  return r.type === "azurerm_virtual_machine_run_command" ? "run command" : "extension";
}

/** Roles of every VM of a configuration. Build once with {@link Roles.of}. */
export class Roles {
  public static of(model: TerraformModel): Roles {
    return model.memo("roles", () => new Roles(model));
  }

  private readonly byVm = new Map<Vm, VmRoles>();
  private readonly ownByVm = new Map<Vm, VmRoles>();
  /** Host endpoints (NICs, private endpoints) per subnet; built on first use. */
  private hostsBySubnet?: Map<Subnet, Endpoint[]>;
  /** Per subnet and port: the rules written for the port that let a host of the subnet in (by resource and label), with the VMs of those hosts. */
  private readonly namers = new Map<string, Map<string, Set<Vm | undefined>>>();

  private constructor(private readonly model: TerraformModel) {}

  /** The roles of a VM. */
  public ofVm(vm: Vm): VmRoles {
    let hit = this.byVm.get(vm);
    if (!hit) this.byVm.set(vm, (hit = this.compute(vm)));
    return hit;
  }

  /** The claim of one role on a VM, if any (declared first). */
  public claim(vm: Vm, role: DeploymentRole): RoleClaim | undefined {
    return this.ofVm(vm).claims.find((c) => c.role === role);
  }

  /** Every VM with the role, with its claim. */
  public vmsWith(role: DeploymentRole): { vm: Vm; claim: RoleClaim }[] {
    const reach = Reachability.of(this.model);
    return reach.access.topology.vms.flatMap((vm) => {
      const c = this.claim(vm, role);
      return c ? [{ vm, claim: c }] : [];
    });
  }

  private hostsOf(subnet: Subnet): Endpoint[] {
    if (!this.hostsBySubnet) {
      this.hostsBySubnet = new Map();
      for (const e of Reachability.of(this.model).access.endpoints) {
        if (!e.subnet || (e.kind !== "nic" && e.kind !== "private-endpoint")) continue;
        const list = this.hostsBySubnet.get(e.subnet);
        if (list) list.push(e);
        else this.hostsBySubnet.set(e.subnet, [e]);
      }
    }
    return this.hostsBySubnet.get(subnet) ?? [];
  }

  /** True when no host of the endpoint's subnet belongs to another VM (or to none). */
  private alone(ep: Endpoint, vm: Vm): boolean {
    return !ep.subnet || this.hostsOf(ep.subnet).every((e) => e.vm === vm);
  }

  /**
   * True when the rule written for `port` lets no host of the endpoint's subnet in but this VM's (each
   * host's reaches are asked once per subnet and port, so a segment costs one pass over its hosts).
   */
  private targets(d: Decider, ep: Endpoint, vm: Vm, port: ServicePort): boolean {
    if (!ep.subnet) return true;
    const key = `${ep.subnet.key}|${port.protocol}|${port.from}-${port.to}`;
    let m = this.namers.get(key);
    if (!m) {
      m = new Map();
      for (const e of this.hostsOf(ep.subnet)) {
        for (const r of reachOn(this.model, e, port)) {
          const n = namingDecider(r, port);
          if (!n) continue;
          const k = `${n.resource.address}|${n.label}`;
          const vms = m.get(k) ?? new Set<Vm | undefined>();
          vms.add(e.vm);
          m.set(k, vms);
        }
      }
      this.namers.set(key, m);
    }
    const vms = m.get(`${d.resource.address}|${d.label}`);
    return !vms || [...vms].every((v) => v === vm);
  }

  /** The roles a VM has on its own evidence: {@link ofVm} without inferring a role from a rule shared with other hosts. */
  private ownOf(vm: Vm): VmRoles {
    let hit = this.ownByVm.get(vm);
    if (!hit) this.ownByVm.set(vm, (hit = this.compute(vm, false)));
    return hit;
  }

  /**
   * With `shared`, a role of a targeted signature that only a rule letting other hosts of the
   * segment in names is inferred when no other VM of those subnets has the role on its own evidence
   * (none can be told from the others, so each is kept, as the PXE pack keeps them).
   */
  private compute(vm: Vm, shared = true): VmRoles {
    const claims: RoleClaim[] = [];
    let unknown: string | undefined;
    for (const carrier of [vm.resource, ...vm.nics.map((n) => n.resource)]) {
      const r = ZONE_TAG.roles.read(this.model.tagBlock(carrier));
      if (r.state === "known") {
        for (const role of r.value) if (!claims.some((c) => c.role === role)) claims.push({ role, source: "declared", evidence: `${ZONE_TAG.roles.key}=${r.value.join(",")} on ${carrier.address}` });
      } else if (r.state !== "absent") unknown ??= `${carrier.address}: ${r.reason}`;
    }
    const reach = Reachability.of(this.model);
    // Roles only a rule shared with other hosts of these subnets names (targeted signatures).
    const pending: { claim: RoleClaim; subnets: Set<Subnet> }[] = [];
    const mayHold: { role: DeploymentRole; why: string }[] = [];
    for (const sig of SIGNATURES) {
      if (claims.some((c) => c.role === sig.role)) continue;
      const evidence: string[] = [];
      const doubts: { lost?: string; why: string }[] = [];
      const subnets = new Set<Subnet>();
      let viaShared = false;
      for (const anyOf of sig.all) {
        let found: string | undefined;
        let sharedFound: string | undefined;
        for (const ep of reach.access.endpointsOfVm(vm)) {
          for (const p of anyOf) {
            if (!mayHaveNamingRule(this.model, ep, p)) continue;
            const among = sig.targeted && !this.alone(ep, vm);
            // certainNamingRule settles one rule of one NSG without asking which hosts it reaches: used only where no other host is in the subnet.
            const certain = among ? undefined : certainNamingRule(this.model, ep, p);
            const deciders = certain ? [] : reachOn(this.model, ep, p).map((r) => namingDecider(r, p)).filter((d): d is Decider => !!d);
            const named = certain ?? deciders.find((d) => !among || this.targets(d, ep, vm, p))?.label;
            const why = (label: string) => `reachable on ${p.protocol.toUpperCase()} ${p.from} through ${label}`;
            if (named) {
              found = why(named);
              break;
            }
            if (deciders.length > 0 && ep.subnet) {
              sharedFound ??= why(deciders[0].label);
              subnets.add(ep.subnet);
            }
          }
          if (found) break;
        }
        if (!found && sharedFound && shared) {
          found = sharedFound;
          viaShared = true;
        }
        if (!found) {
          // A segment-wide PXE rule names no host either way (targeted signatures): only a rule for this host counts.
          const doubt = sig.targeted ? undefined : maybeNamed(this.model, vm, reach.access.endpointsOfVm(vm), anyOf);
          if (!doubt) break;
          doubts.push(doubt);
        }
        evidence.push(found ?? "");
      }
      if (evidence.length !== sig.all.length) continue;
      if (doubts.length > 0) {
        const lost = doubts.find((d) => d.lost)?.lost;
        mayHold.push({ role: sig.role, why: `${lost ? `its network interface cannot be followed to its subnet (${lost}), and ` : ""}${doubts.map((d) => d.why).join(" and ")}` });
        continue;
      }
      const claim: RoleClaim = { role: sig.role, source: "inferred", evidence: evidence.join(" and ") };
      if (viaShared) pending.push({ claim, subnets });
      else claims.push(claim);
    }
    const scripts = Settings.of(this.model).scriptsOn(vm.resource).map((s) => ({ resource: s.resource, statements: statements(s.text) }));
    const dsc = Settings.of(this.model).dscOn(vm.resource);
    for (const sig of SCRIPT_SIGNATURES) {
      if (claims.some((c) => c.role === sig.role)) continue;
      for (const script of scripts) {
        const marker = sig.markers.find((m) => script.statements.some((st) => m.all.every((p) => p.test(st)) && !m.none?.test(st)));
        if (marker) {
          claims.push({ role: sig.role, source: "inferred", evidence: `${scriptKind(script.resource)} ${script.resource.address} ${sig.what}${marker.what ? ` (${marker.what})` : ""}` });
          break;
        }
      }
      if (claims.some((c) => c.role === sig.role)) continue;
      for (const run of dsc) {
        const why = dscEvidence(run, sig.role);
        if (why) {
          claims.push({ role: sig.role, source: "inferred", evidence: `extension ${run.resource.address} ${sig.what} (${why})` });
          break;
        }
      }
    }
    for (const { claim, subnets } of pending) {
      if (claims.some((c) => c.role === claim.role)) continue;
      // A rule for the whole segment says nothing about which host serves: another host that has the role on its own is the one.
      const other = [...subnets].some((s) => this.hostsOf(s).some((e) => e.vm && e.vm !== vm && this.ownOf(e.vm).claims.some((c) => c.role === claim.role)));
      if (!other) claims.push(claim);
    }
    const open = mayHold.filter((m) => !claims.some((c) => c.role === m.role));
    return open.length > 0 ? { vm, claims, unknown, mayHold: open } : { vm, claims, unknown };
  }
}

/**
 * Why a rule written for one of `ports` may let it reach the VM, when a value that decides it is not
 * known: an uncertain reach through a rule naming the port, or a NIC (or the VM's NIC link) that
 * cannot be followed to its subnet while some NSG of the configuration has a rule written for the
 * port (that NSG may be the one in front of it). Undefined otherwise.
 */
function maybeNamed(model: TerraformModel, vm: Vm, endpoints: readonly Endpoint[], ports: readonly ServicePort[]): { lost?: string; why: string } | undefined {
  const lost = vm.nicsUnknown ?? endpoints.find((ep) => !ep.subnet && ep.subnetUnknown)?.subnetUnknown;
  if (lost) {
    for (const p of ports) {
      const r = ruleWrittenFor(model, p);
      if (r) return { lost, why: `rule "${r.name}" of ${r.nsg?.name ? `NSG ${r.nsg.name}` : r.resource.address} is written for ${p.protocol.toUpperCase()} ${p.from}` };
    }
  }
  for (const ep of endpoints) {
    for (const p of ports) {
      if (!mayHaveNamingRule(model, ep, p)) continue;
      for (const r of reachOn(model, ep, p)) {
        if (mayName(r, p)) return { why: `${serviceDeciderOf(r, p).label} may let ${p.protocol.toUpperCase()} ${p.from} reach it (${r.doubts.join("; ")})` };
      }
    }
  }
  return undefined;
}
