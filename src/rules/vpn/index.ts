import { noCustomIpsecPolicy } from "./connection-without-custom-ipsec-policy";
import { desOrMd5 } from "./des-or-md5-in-ipsec-policy";
import { ikev1Connection } from "./ikev1-connection";
import { literalSecret } from "./literal-vpn-secret";
import { longSaDataLifetime } from "./long-sa-data-lifetime";
import { longSaLifetime } from "./long-sa-lifetime";
import { nullEspEncryption } from "./null-esp-encryption";
import { presharedKeyConnection } from "./preshared-key-authentication";
import { sha1Integrity } from "./sha1-integrity";
import { weakDhOrPfsGroup } from "./weak-dh-or-pfs-group";
import { weakPointToSite } from "./weak-point-to-site-authentication";
import { definePack } from "../../engine/rule";

/** The IPsec/VPN pack (SDZ-VPN-*; seed 004). */
export const VPN_PACK = definePack("SDZ-VPN", "ipsec", [
  noCustomIpsecPolicy,
  weakDhOrPfsGroup,
  desOrMd5,
  nullEspEncryption,
  sha1Integrity,
  ikev1Connection,
  presharedKeyConnection,
  literalSecret,
  longSaLifetime,
  weakPointToSite,
  longSaDataLifetime,
]);
