import { Token, TerraformVariable } from "cdktf";
import { invalidProp } from "../network/errors";

/**
 * A secret (password, preshared key) that reaches the configuration only as a sensitive value:
 * a `sensitive: true` Terraform variable or a token such as a Key Vault secret's value. Plain
 * strings are refused, so no secret is ever a default, a literal in code, or written to a report.
 */
export class SensitiveValue {
  /** From a Terraform variable declared with `sensitive: true`. */
  public static fromVariable(variable: TerraformVariable): SensitiveValue {
    if (!variable || !(variable instanceof TerraformVariable)) {
      throw invalidProp("variable", String(variable), "a TerraformVariable declared with sensitive: true");
    }
    if (variable.sensitive !== true) {
      throw invalidProp("variable", variable.friendlyUniqueId, "a TerraformVariable declared with sensitive: true (Terraform then keeps it out of plan output)");
    }
    return new SensitiveValue(variable.stringValue, `var.${variable.friendlyUniqueId}`);
  }

  /**
   * From a token that resolves at plan/apply time, e.g. a Key Vault secret's `value` or a
   * `random_password`'s `result`. Literal strings are refused.
   * @param token the unresolved token
   * @param description where the value comes from, for reports (never the value itself)
   */
  public static fromToken(token: string, description: string): SensitiveValue {
    if (typeof token !== "string" || !Token.isUnresolved(token)) {
      throw invalidProp("token", "<literal string hidden>", "an unresolved token (Key Vault secret, sensitive variable); literal secrets are refused");
    }
    if (!description || description.trim().length === 0) {
      throw invalidProp("description", description, "a non-empty description of the secret's origin");
    }
    return new SensitiveValue(token, description);
  }

  private constructor(
    /** The token to pass to resources. Never log or output it. */
    public readonly value: string,
    /** Where the value comes from (safe to show). */
    public readonly origin: string,
  ) {}

  /** A safe description for reports: the origin, never the value. */
  public toString(): string {
    return `<sensitive: ${this.origin}>`;
  }
}
