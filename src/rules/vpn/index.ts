import {
  desOrMd5, ikev1Connection, literalSecret, longSaLifetime, noCustomIpsecPolicy, nullEspEncryption,
  presharedKeyConnection, sha1Integrity, weakDhOrPfsGroup, weakPointToSite,
} from "./ipsec-rules";
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
]);
