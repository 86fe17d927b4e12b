import {
  desOrMd5, ikev1Connection, literalSecret, longSaLifetime, noCustomIpsecPolicy, nullEspEncryption,
  presharedKeyConnection, sha1Integrity, weakDhOrPfsGroup, weakPointToSite,
} from "./ipsec-rules";
import { Rule } from "../../engine/rule";

/** Rules of the ipsec pack. */
export const IPSEC_RULES: Rule[] = [
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
];
