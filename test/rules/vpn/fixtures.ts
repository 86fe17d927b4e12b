/** IPsec/IKE policies the VPN tests share: every value strong, as the pack's rules want them. */

/** A custom IPsec/IKE policy (ipsec_policy) of a site-to-site connection that passes every rule of the pack. */
export const STRONG = {
  dh_group: "ECP384", ike_encryption: "AES256", ike_integrity: "SHA384",
  ipsec_encryption: "GCMAES256", ipsec_integrity: "GCMAES256", pfs_group: "ECP384", sa_lifetime: 3600, sa_datasize: 10240000,
};

/** A strong point-to-site ipsec_policy of a gateway's vpn_client_configuration. */
export const P2S_POLICY = {
  dh_group: "DHGroup24", ike_encryption: "AES256", ike_integrity: "SHA256", ipsec_encryption: "AES256", ipsec_integrity: "SHA256",
  pfs_group: "PFS24", sa_lifetime_in_seconds: 3600, sa_data_size_in_kilobytes: 102400,
};
