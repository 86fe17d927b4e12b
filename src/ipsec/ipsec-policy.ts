import { invalidProp, requireIntInRange } from "../network/errors";
import { requireDefined, requireEnum, requireIdentifier } from "../network/validators";

/** IKE phase 1 Diffie-Hellman groups of 2048 bits or stronger (DHGroup1/2 and None are not offered). */
export enum IkeDhGroup {
  /** 2048-bit MODP (group 14). */
  DH_GROUP_14 = "DHGroup14",
  /** Same as DHGroup14 (Azure alias). */
  DH_GROUP_2048 = "DHGroup2048",
  /** 2048-bit MODP with 256-bit prime order subgroup (group 24). */
  DH_GROUP_24 = "DHGroup24",
  /** 256-bit elliptic curve (group 19). */
  ECP256 = "ECP256",
  /** 384-bit elliptic curve (group 20). */
  ECP384 = "ECP384",
}

/** Perfect forward secrecy groups of 2048 bits or stronger (None/PFS1/PFS2 are not offered). */
export enum PfsGroup {
  /** 2048-bit MODP (group 14). */
  PFS_2048 = "PFS2048",
  /** Same group as PFS2048 (the provider's `PFS14` spelling). */
  PFS_14 = "PFS14",
  /** 2048-bit MODP with 256-bit prime order subgroup (group 24). */
  PFS_24 = "PFS24",
  /** 256-bit elliptic curve. */
  ECP256 = "ECP256",
  /** 384-bit elliptic curve. */
  ECP384 = "ECP384",
}

/** IKE encryption: AES-256 or AES-GCM. */
export enum IkeEncryption {
  AES256 = "AES256",
  GCM_AES128 = "GCMAES128",
  GCM_AES256 = "GCMAES256",
}

/** IKE integrity (PRF): SHA-256 or better. */
export enum IkeIntegrity {
  SHA256 = "SHA256",
  SHA384 = "SHA384",
}

/** ESP encryption: AES-256 or AES-GCM (never None, DES or 3DES). */
export enum IpsecEncryption {
  AES256 = "AES256",
  GCM_AES128 = "GCMAES128",
  GCM_AES192 = "GCMAES192",
  GCM_AES256 = "GCMAES256",
}

/** ESP integrity: SHA-256, or the GCM algorithm matching the encryption. */
export enum IpsecIntegrity {
  SHA256 = "SHA256",
  GCM_AES128 = "GCMAES128",
  GCM_AES192 = "GCMAES192",
  GCM_AES256 = "GCMAES256",
}

/** A custom IPsec/IKE policy. Every field is validated: only strong methods are accepted (R-SEC-2). */
export interface IpsecPolicyProps {
  /** A short name for reports (1-40 letters, digits, `_`, `-`). */
  readonly name: string;
  /** IKE phase 1 DH group. */
  readonly dhGroup: IkeDhGroup;
  /** IKE encryption. */
  readonly ikeEncryption: IkeEncryption;
  /** IKE integrity. */
  readonly ikeIntegrity: IkeIntegrity;
  /** ESP encryption. */
  readonly ipsecEncryption: IpsecEncryption;
  /** ESP integrity (must be the same GCM algorithm when the encryption is GCM, SHA256 otherwise). */
  readonly ipsecIntegrity: IpsecIntegrity;
  /** PFS group for child SAs. */
  readonly pfsGroup: PfsGroup;
  /**
   * IPsec SA lifetime in seconds: 300 (Azure's minimum) to 28800 (8 hours). Short lifetimes limit
   * what one compromised key exposes (seed 004).
   * @default 3600
   */
  readonly saLifetimeSeconds?: number;
  /**
   * IPsec SA data size in KB: 1024 (Azure's minimum) to 102400000 (Azure's default, ~100 GB).
   * Seed 004's "under 50 MB" advice dates from 3DES, whose 64-bit blocks made large volumes per key
   * risky; AES has 128-bit blocks, so the bound here is the Azure default at most.
   * @default 10240000
   */
  readonly saDataSizeKilobytes?: number;
}

const SA_LIFETIME_MAX = 28800;
const SA_DATASIZE_MAX = 102400000;


/**
 * A validated custom IPsec/IKE policy for a site-to-site connection. Use a named preset, e.g.
 * `IpsecPolicyPreset.GCM_AES256_SHA384_ECP384`, or {@link IpsecPolicyPreset.custom}.
 */
export class IpsecPolicyPreset {
  /**
   * Recommended: IKEv2 AES-256 / SHA-384 / ECP384 (group 20); ESP GCM-AES-256; PFS ECP384; 1 h SA lifetime.
   */
  public static readonly GCM_AES256_SHA384_ECP384 = new IpsecPolicyPreset({
    name: "GCM_AES256_SHA384_ECP384",
    dhGroup: IkeDhGroup.ECP384, ikeEncryption: IkeEncryption.AES256, ikeIntegrity: IkeIntegrity.SHA384,
    ipsecEncryption: IpsecEncryption.GCM_AES256, ipsecIntegrity: IpsecIntegrity.GCM_AES256, pfsGroup: PfsGroup.ECP384,
  });

  /** IKEv2 AES-256 / SHA-256 / ECP256 (group 19); ESP GCM-AES-256; PFS ECP256; 1 h SA lifetime. */
  public static readonly GCM_AES256_SHA256_ECP256 = new IpsecPolicyPreset({
    name: "GCM_AES256_SHA256_ECP256",
    dhGroup: IkeDhGroup.ECP256, ikeEncryption: IkeEncryption.AES256, ikeIntegrity: IkeIntegrity.SHA256,
    ipsecEncryption: IpsecEncryption.GCM_AES256, ipsecIntegrity: IpsecIntegrity.GCM_AES256, pfsGroup: PfsGroup.ECP256,
  });

  /**
   * For devices without elliptic curves: IKEv2 AES-256 / SHA-256 / DHGroup14; ESP AES-256 / SHA-256;
   * PFS2048; 1 h SA lifetime.
   */
  public static readonly AES256_SHA256_DHGROUP14 = new IpsecPolicyPreset({
    name: "AES256_SHA256_DHGROUP14",
    dhGroup: IkeDhGroup.DH_GROUP_14, ikeEncryption: IkeEncryption.AES256, ikeIntegrity: IkeIntegrity.SHA256,
    ipsecEncryption: IpsecEncryption.AES256, ipsecIntegrity: IpsecIntegrity.SHA256, pfsGroup: PfsGroup.PFS_2048,
  });

  /** A custom policy; fails on any weak or inconsistent field. */
  public static custom(props: IpsecPolicyProps): IpsecPolicyPreset {
    return new IpsecPolicyPreset(props);
  }

  /** Name for reports and the `sdz-ipsec-policy` tag. */
  public readonly name: string;
  /** IKE phase 1 DH group. */
  public readonly dhGroup: IkeDhGroup;
  /** IKE encryption. */
  public readonly ikeEncryption: IkeEncryption;
  /** IKE integrity. */
  public readonly ikeIntegrity: IkeIntegrity;
  /** ESP encryption. */
  public readonly ipsecEncryption: IpsecEncryption;
  /** ESP integrity. */
  public readonly ipsecIntegrity: IpsecIntegrity;
  /** PFS group. */
  public readonly pfsGroup: PfsGroup;
  /** SA lifetime in seconds. */
  public readonly saLifetimeSeconds: number;
  /** SA data size in KB. */
  public readonly saDataSizeKilobytes: number;

  private constructor(props: IpsecPolicyProps) {
    requireDefined("props", props, "the policy's props (name, dhGroup, ikeEncryption, ikeIntegrity, ipsecEncryption, ipsecIntegrity, pfsGroup)");
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(requireIdentifier("name", props.name, "1-40 letters, digits, '_', '-'"))) {
      throw invalidProp("name", props.name, "1-40 letters, digits, '_', '-'");
    }
    this.name = props.name;
    this.dhGroup = requireEnum("dhGroup", props.dhGroup, IkeDhGroup);
    this.ikeEncryption = requireEnum("ikeEncryption", props.ikeEncryption, IkeEncryption);
    this.ikeIntegrity = requireEnum("ikeIntegrity", props.ikeIntegrity, IkeIntegrity);
    this.ipsecEncryption = requireEnum("ipsecEncryption", props.ipsecEncryption, IpsecEncryption);
    this.ipsecIntegrity = requireEnum("ipsecIntegrity", props.ipsecIntegrity, IpsecIntegrity);
    this.pfsGroup = requireEnum("pfsGroup", props.pfsGroup, PfsGroup);
    const gcm = this.ipsecEncryption.startsWith("GCM");
    if (gcm && (this.ipsecIntegrity as string) !== (this.ipsecEncryption as string)) {
      throw invalidProp("ipsecIntegrity", this.ipsecIntegrity, `${this.ipsecEncryption} (GCM encryption needs the same GCM algorithm as integrity)`);
    }
    if (!gcm && this.ipsecIntegrity !== IpsecIntegrity.SHA256) {
      throw invalidProp("ipsecIntegrity", this.ipsecIntegrity, `SHA256 (with ${this.ipsecEncryption} encryption)`);
    }
    this.saLifetimeSeconds = requireIntInRange("saLifetimeSeconds", props.saLifetimeSeconds ?? 3600, 300, SA_LIFETIME_MAX);
    this.saDataSizeKilobytes = requireIntInRange("saDataSizeKilobytes", props.saDataSizeKilobytes ?? 10240000, 1024, SA_DATASIZE_MAX);
  }

  /**
   * The six algorithm fields, as a tunnel's and a point-to-site configuration's `ipsec_policy` both
   * name them (their SA lifetime and data size fields are named differently).
   * @internal
   */
  public _algorithms() {
    const { dhGroup, ikeEncryption, ikeIntegrity, ipsecEncryption, ipsecIntegrity, pfsGroup } = this;
    return { dhGroup, ikeEncryption, ikeIntegrity, ipsecEncryption, ipsecIntegrity, pfsGroup };
  }
}
