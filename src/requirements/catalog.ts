/**
 * The requirements catalog, kept inside the library so that clones without the shared spec
 * folder still generate docs/rules.md and validate rule metadata. It mirrors the table of
 * `REQUIREMENTS.md` (the spec): a test compares the two whenever the spec is available.
 *
 * Internal: not part of the jsii API (src/index.ts does not export it).
 */

/** How the project handles a requirement (REQUIREMENTS.md, "How"). */
export type RequirementHandling = "construct" | "rule" | "setting" | "doc";

/** One requirement of the spec. */
export interface Requirement {
  /** Stable ID, e.g. `R-PXE-1`. */
  readonly id: string;
  /** Seed documents it comes from (`000`..`004`), see {@link SEED_DOCUMENTS}. */
  readonly sources: readonly string[];
  /** The requirement, in short. */
  readonly text: string;
  /** How it is handled, as written in the spec, e.g. `construct + rule`, `setting (declared) + doc`. */
  readonly how: string;
}

/** The seed documents the requirements come from. */
export const SEED_DOCUMENTS: Readonly<Record<string, string>> = {
  "000": "PXE/RIS security",
  "001": "OS deployment security and privacy",
  "002": "out-of-band AMT management",
  "003": "KMS activation across zones",
  "004": "IPsec considerations",
};

/** Every requirement of the spec, in spec order. */
export const REQUIREMENTS: readonly Requirement[] = [
  {
    id: "R-PXE-1",
    sources: ["000", "001"],
    text: "PXE-enabled distribution points only on secure, segmented network segments; never in a perimeter/DMZ or otherwise untrusted zone",
    how: "construct + rule",
  },
  {
    id: "R-PXE-2",
    sources: ["001"],
    text: "A PXE distribution point answers on specified interfaces only: one NIC in the PXE segment, not multi-homed across zones, no public IP",
    how: "construct + rule",
  },
  {
    id: "R-PXE-3",
    sources: ["000", "001"],
    text: "PXE/TFTP/DHCP traffic (UDP 67, 68, 69, 4011 and the TFTP data range) is allowed only from the provisioning client segments, never from Internet/any/perimeter sources",
    how: "construct + rule",
  },
  {
    id: "R-PXE-4",
    sources: ["000"],
    text: "Defense in depth around PXE segments: default-deny inbound, monitoring/auditing of traffic (flow logs or diagnostics)",
    how: "construct + rule",
  },
  {
    id: "R-PXE-5",
    sources: ["001"],
    text: "Require a password for PXE boot",
    how: "setting + rule",
  },
  {
    id: "R-PXE-6",
    sources: ["000", "001"],
    text: "Respond only to known (prestaged) computers; unknown-computer support off unless explicitly accepted with a reason, and then the segment must be access-controlled",
    how: "setting + rule",
  },
  {
    id: "R-PXE-7",
    sources: ["001"],
    text: "Encrypt multicast deployments; multicast only on DPs in secure segments",
    how: "setting + rule",
  },
  {
    id: "R-PXE-8",
    sources: ["001"],
    text: "Images used for PXE/multicast carry no line-of-business or sensitive content",
    how: "setting (declared) + doc",
  },
  {
    id: "R-PXE-9",
    sources: ["001"],
    text: "Prefer Enhanced HTTP (HTTPS) over a network access account for content download",
    how: "setting + doc",
  },
  {
    id: "R-MIG-1",
    sources: ["001"],
    text: "The channel between clients and the state migration point is protected by SMB signing (or IPsec); SMB 1 and unsigned/unencrypted SMB are refused",
    how: "construct + rule",
  },
  {
    id: "R-MIG-2",
    sources: ["001"],
    text: "State migration storage is capped (quota) so an attacker cannot fill it (denial of service)",
    how: "construct + rule",
  },
  {
    id: "R-MIG-3",
    sources: ["001"],
    text: "Deleted state data is kept for an interval long enough to verify restore (no immediate deletion)",
    how: "construct + rule",
  },
  {
    id: "R-MIG-4",
    sources: ["001"],
    text: "State migration data is backed up separately (site backup does not include it)",
    how: "construct + rule",
  },
  {
    id: "R-MIG-5",
    sources: ["001"],
    text: "State data is encrypted in transit and at rest; storage is private (no public network access, no anonymous access)",
    how: "construct + rule",
  },
  {
    id: "R-MIG-6",
    sources: ["001"],
    text: "Decommissioning a state migration store is deliberate: the data is not destroyed by accident, and removal is an explicit step",
    how: "construct + doc",
  },
  {
    id: "R-NET-1",
    sources: ["001", "002"],
    text: "Network locations holding images, exported task sequences, certificates or media are private and reached over SMB signing or IPsec",
    how: "construct + rule",
  },
  {
    id: "R-NET-2",
    sources: ["001"],
    text: "The channel between site server and a remote SMS Provider is protected (SMB signing or IPsec)",
    how: "setting + doc",
  },
  {
    id: "R-KMS-1",
    sources: ["003"],
    text: "The KMS host is a separate server from any domain controller",
    how: "construct + rule",
  },
  {
    id: "R-KMS-2",
    sources: ["003"],
    text: "KMS (TCP 1688) is reachable only from an explicit allowlist of IPs/CIDRs; never any/Internet/broad service tags",
    how: "construct + rule",
  },
  {
    id: "R-KMS-3",
    sources: ["003"],
    text: "Only zones as trusted as the internal network or more (e.g. management) may reach KMS; perimeter/DMZ zones use MAK instead",
    how: "construct + rule",
  },
  {
    id: "R-KMS-4",
    sources: ["003"],
    text: "The KMS host has a fixed private IP that clients can use directly, so activation does not depend on DNS being reachable from the zone",
    how: "construct + rule",
  },
  {
    id: "R-KMS-5",
    sources: ["003"],
    text: "No anonymous connections to the KMS host (RPC/SMB enumeration); only authenticated domain hosts",
    how: "setting + rule",
  },
  {
    id: "R-KMS-6",
    sources: ["003"],
    text: "Firewalls between zones allow KMS only for specific source IPs; prefer a management interface over the production network",
    how: "construct + rule",
  },
  {
    id: "R-KMS-7",
    sources: ["003"],
    text: "A KMS or domain controller is never exposed to perimeter traffic",
    how: "rule",
  },
  {
    id: "R-OOB-1",
    sources: ["002"],
    text: "Out-of-band provisioning port (TCP 9971 or the custom one) is blocked unless out-of-band provisioning is explicitly enabled",
    how: "construct + rule",
  },
  {
    id: "R-OOB-2",
    sources: ["002"],
    text: "AMT management ports (16992-16995) are reachable only from the out-of-band service point / management zone",
    how: "construct + rule",
  },
  {
    id: "R-OOB-3",
    sources: ["002"],
    text: "Prefer out-of-band management over Wake-on-LAN; flag rules that open Wake-on-LAN (UDP 7/9)",
    how: "rule",
  },
  {
    id: "R-OOB-4",
    sources: ["002"],
    text: "Custom MEBx password, internal CA thumbprint, non-default provisioning server name/IP and custom provisioning port",
    how: "setting + rule",
  },
  {
    id: "R-OOB-5",
    sources: ["002"],
    text: "Provisioning certificate is renewed before it expires (warn at 40 days, error under 15)",
    how: "setting + rule",
  },
  {
    id: "R-OOB-6",
    sources: ["002"],
    text: "Images used for IDE redirection are stored locally or on a share reached with SMB signing",
    how: "construct + rule",
  },
  {
    id: "R-SEC-1",
    sources: ["004"],
    text: "Kerberos/LDAP/DNS exemptions and rules point at the specific IPs of domain controllers and DNS servers, not whole ranges or any",
    how: "construct + rule",
  },
  {
    id: "R-SEC-2",
    sources: ["004"],
    text: "Internet tunnels use strong security methods: strong encryption (no DES, no null ESP), DH group 2048-bit or stronger, PFS on, short SA lifetimes",
    how: "construct + rule",
  },
  {
    id: "R-SEC-3",
    sources: ["004"],
    text: "Preshared-key authentication is flagged as weak; certificates (or Kerberos) preferred",
    how: "rule",
  },
  {
    id: "R-SEC-4",
    sources: ["004"],
    text: "Do not block all ICMP wholesale (PMTU discovery, DC selection need it)",
    how: "rule",
  },
  {
    id: "R-SEC-5",
    sources: ["004"],
    text: "SNMP (UDP 161/162) only between specific management systems and agents",
    how: "rule",
  },
  {
    id: "R-SEC-6",
    sources: ["004"],
    text: "IPsec tunnel mode is not used for remote-access VPN; gateway-to-gateway tunnels use IKEv2 with a custom policy",
    how: "rule",
  },
  {
    id: "R-SEC-7",
    sources: ["000", "001"],
    text: "Restrict who can reach deployment infrastructure: no management ports (RDP 3389, SSH 22, WinRM 5985/5986, SMB 445, RPC 135) open to any/Internet",
    how: "rule",
  },
  {
    id: "R-REF-1",
    sources: ["001"],
    text: "The reference (image capture) computer lives in an isolated, access-controlled zone with current security updates, and captures to a secured location",
    how: "construct + rule",
  },
  {
    id: "R-PXE-10",
    sources: ["000", "001"],
    text: "Only the distribution point can answer PXE: PXE/TFTP/DHCP flows into a PXE segment go to the distribution point's own address, not to every host of the segment, and no other host of the zone is a PXE/DHCP responder (rogue PXE server, spoofing)",
    how: "construct + rule",
  },
  {
    id: "R-SEC-8",
    sources: ["000", "003"],
    text: "Deployment servers (distribution points, KMS hosts, domain controllers, state migration points, out-of-band service points) send their security events to a monitoring workspace, so intrusions are detected",
    how: "construct + rule",
  },
  {
    id: "R-SEC-9",
    sources: ["000", "001", "004"],
    text: "No secret is written as a literal anywhere in the configuration: VM admin passwords, extension settings (secrets only in protected settings), custom/user data, tags, Key Vault secret and certificate values, preshared keys; variables holding secrets are sensitive and have no default",
    how: "construct + rule",
  },
  {
    id: "R-SEC-10",
    sources: ["003"],
    text: "Hosts that expose MS-RPC to other zones (KMS hosts, domain controllers) receive security updates automatically (MS-RPC has a history of wormable vulnerabilities)",
    how: "construct + rule",
  },
  {
    id: "R-KMS-8",
    sources: ["003"],
    text: "The firewall that holds the KMS allowlist is on the path: traffic from other zones to the KMS host is routed through it (route tables), so the allowlist is not bypassed inside the network",
    how: "construct + rule",
  },
  {
    id: "R-OOB-7",
    sources: ["002"],
    text: "No DNS alias or record for the out-of-band service point's provisioning name unless out-of-band provisioning is used; where it is used, the record resolves only to the service point and is protected from change",
    how: "construct + rule",
  },
  {
    id: "R-OOB-8",
    sources: ["002"],
    text: "The AMT provisioning certificate is issued by the internal CA whose thumbprint is in the firmware, requested on the service point itself (private key not exported), and readable only by the service point",
    how: "construct + rule",
  },
  {
    id: "R-OOB-9",
    sources: ["002"],
    text: "AMT accounts are published to a dedicated OU and denied interactive, network, batch, service and Remote Desktop logon; Media Redirection and PT Administration rights are restricted; AMT provisioning and discovery accounts are kept to those needed",
    how: "setting + doc",
  },
  {
    id: "R-CM-1",
    sources: ["001"],
    text: "Bootable, prestaged and PXE media are password-protected and physically controlled; certificate files (.pfx) are protected by strong passwords; compromised client certificates are blocked or revoked",
    how: "doc",
  },
  {
    id: "R-CM-2",
    sources: ["001"],
    text: "The task sequence run-as account has least privilege (never a domain administrator, not the network access account, no roaming profile, one per task sequence); task sequences and collection variables carry no secrets that local administrators could read",
    how: "doc",
  },
  {
    id: "R-CM-3",
    sources: ["001"],
    text: "Administrative users with the OS deployment manager role are restricted and monitored; computer associations are deleted manually once a restore is verified; unknown-computer deployments are monitored",
    how: "doc",
  },
  {
    id: "R-CM-4",
    sources: ["001"],
    text: "The latest supported USMT version is used, and exported task sequences go to a restricted location reached over SMB signing or IPsec",
    how: "setting + doc",
  },
];

const BY_ID = new Map(REQUIREMENTS.map((r) => [r.id, r]));

/** A requirement by ID. */
export function findRequirement(id: string): Requirement | undefined {
  return BY_ID.get(id);
}

/** The handling kinds of a requirement: `construct + rule` -> [construct, rule]; `setting (declared) + doc` -> [setting, doc]. */
export function handlingOf(requirement: Requirement): RequirementHandling[] {
  return requirement.how
    .split("+")
    .map((part) => part.replace(/\(.*?\)/g, "").trim().toLowerCase())
    .filter((part): part is RequirementHandling => part === "construct" || part === "rule" || part === "setting" || part === "doc");
}

/** Requirement IDs look like `R-<AREA>-<n>`. */
export const REQUIREMENT_ID_FORMAT = /^R-[A-Z]+-\d+$/;

/**
 * Reads the requirement table of a REQUIREMENTS.md text (rows `| ID | Source | Requirement | How |`).
 * Used to compare this catalog with the spec.
 */
export function parseRequirementsTable(markdown: string): Requirement[] {
  const out: Requirement[] = [];
  for (const line of markdown.split(/\r?\n/)) {
    const cells = line.split("|").map((c) => c.trim());
    // "| a | b | c | d |" splits into ["", a, b, c, d, ""].
    if (cells.length !== 6 || !REQUIREMENT_ID_FORMAT.test(cells[1])) continue;
    out.push({
      id: cells[1],
      sources: cells[2].split(",").map((s) => s.trim()).filter((s) => s.length > 0),
      text: cells[3],
      how: cells[4],
    });
  }
  return out;
}
