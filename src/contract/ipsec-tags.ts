import { TagSpec, text } from "./tag";

/** Tags the IPsec constructs write. */
export class IpsecTags {
  /**
   * On an `azurerm_virtual_network_gateway_connection`: the name of the custom IPsec/IKE policy
   * preset it uses (for reports; the rules read the `ipsec_policy` block itself).
   */
  public static readonly POLICY = "sdz-ipsec-policy";

  private constructor() {}
}

/** The IPsec tags, typed. @internal */
export const IPSEC_TAG = {
  policy: new TagSpec<string>(IpsecTags.POLICY, text(80), "the IPsec/IKE policy preset of a connection (R-SEC-2)"),
};
