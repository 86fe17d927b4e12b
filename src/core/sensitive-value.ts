import { DataAzurermKeyVaultSecret } from "@cdktf/provider-azurerm/lib/data-azurerm-key-vault-secret";
import { DefaultTokenResolver, StringConcat, TerraformDataSource, TerraformElement, TerraformStack, TerraformVariable, Token, Tokenization } from "cdktf";
import { IConstruct } from "constructs";
import { jsiiTypeNames } from "./jsii-type";
import { ConstructErrorCode, invalidProp, invalidSecret, missingProp } from "../network/errors";

/** What a secret's token must resolve to: exactly one sensitive variable or one Key Vault secret's value. */
const VARIABLE_REF = /^\$\{var\.([A-Za-z0-9_-]+)\}$/;
const KEY_VAULT_SECRET_REF = /^\$\{data\.azurerm_key_vault_secret\.([A-Za-z0-9_-]+)\.value\}$/;

/**
 * The jsii type names of a Terraform variable in cdktf and in CDK Terrain (cdktn), which the class
 * carries under `Symbol.for("jsii.rtti")`: `instanceof` knows only this build's engine, and an app
 * may hold a variable of the other one (issue 20).
 */
const VARIABLE_TYPES = ["cdktf.TerraformVariable", "cdktn.TerraformVariable"];

/** A TerraformVariable of cdktf or of CDK Terrain (both mark their elements with `Symbol.for("cdktf/TerraformElement")`). */
function isTerraformVariable(x: unknown): x is TerraformVariable {
  if (x instanceof TerraformVariable) return true;
  if (!TerraformElement.isTerraformElement(x)) return false;
  // The class's own type name, or the nearest one it inherits (as reading the static property gives).
  const type = jsiiTypeNames(x)[0];
  return type !== undefined && VARIABLE_TYPES.includes(type);
}

/** The `azurerm_key_vault_secret` data source of either engine's provider (the type name is Terraform's, the marker shared). */
function isKeyVaultSecretData(x: unknown): x is DataAzurermKeyVaultSecret {
  return x instanceof DataAzurermKeyVaultSecret
    || (TerraformDataSource.isTerraformDataSource(x)
      && (x as { terraformResourceType?: unknown }).terraformResourceType === DataAzurermKeyVaultSecret.tfResourceType);
}

const ACCEPTED = "a sensitive Terraform variable without a default (SensitiveValue.fromVariable) or a Key Vault secret data source (SensitiveValue.fromKeyVaultSecret)";

/**
 * A secret (password, preshared key) that reaches the configuration only in a form that cannot
 * carry a literal value:
 *
 * - a `TerraformVariable` declared with `sensitive: true` and **no default** (the value comes from
 *   `-var`, a `.tfvars` file or `TF_VAR_*` at plan time);
 * - a Key Vault secret read with the `azurerm_key_vault_secret` data source;
 * - a token that resolves to exactly one of those (`fromToken`).
 *
 * Everything else is refused, naming the prop and never the value: a sensitive variable with a
 * default, a plain (non-sensitive) variable, a literal string, a `Lazy` that produces a literal, a
 * literal concatenated with a token, `Fn.nonsensitive(...)`, or any other expression. A token is
 * checked where it is used, in that construct's stack, so the error names the construct and the prop.
 */
export class SensitiveValue {
  /**
   * From a Terraform variable declared with `sensitive: true` and no default: a `TerraformVariable`
   * of cdktf or of CDK Terrain (cdktn).
   */
  public static fromVariable(variable: TerraformVariable): SensitiveValue {
    checkVariable("variable", variable);
    return new SensitiveValue(variable.stringValue, `var.${variable.friendlyUniqueId}`);
  }

  /** From a Key Vault secret read with the `azurerm_key_vault_secret` data source (its `value`). */
  public static fromKeyVaultSecret(secret: DataAzurermKeyVaultSecret): SensitiveValue {
    if (!isKeyVaultSecretData(secret)) {
      throw secret === undefined ? missingProp("secret", "a DataAzurermKeyVaultSecret") : invalidProp("secret", String(secret), "a DataAzurermKeyVaultSecret");
    }
    return new SensitiveValue(secret.value, `Key Vault secret ${secret.node.path}`);
  }

  /**
   * From a token that resolves to exactly a sensitive variable without a default or a Key Vault
   * secret data source's `value`, e.g. a value passed through your own construct. The proof is made
   * where the value is used; literal strings are refused here.
   * @param token the unresolved token
   * @param description where the value comes from, for reports (never the value itself)
   */
  public static fromToken(token: string, description: string): SensitiveValue {
    if (typeof token !== "string" || !Token.isUnresolved(token)) {
      throw invalidSecret("token", `an unresolved token: ${ACCEPTED}; literal secrets are refused`);
    }
    if (typeof description !== "string" || description.trim().length === 0) {
      throw invalidProp("description", description, "a non-empty description of the secret's origin");
    }
    return new SensitiveValue(token, description.trim());
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

  /**
   * Proves, in the stack of `scope`, that the value is a sensitive variable without a default or
   * a Key Vault secret data source's value; fails naming `prop` (never the value) otherwise.
   * Returns the token to write.
   * @internal
   */
  public _verify(scope: IConstruct, prop: string): string {
    const stack = TerraformStack.of(scope);
    // One token and nothing else; a reference made in another stack would travel as a cross-stack output.
    const fragments = Tokenization.reverseString(this.value);
    const origin = (fragments.firstToken as { originStack?: unknown } | undefined)?.originStack;
    if (fragments.length !== 1 || fragments.tokens.length !== 1 || (origin !== undefined && origin !== stack)) {
      throw invalidSecret(prop, `${ACCEPTED}, in this stack; not a literal, a Lazy, a concatenation, Fn.nonsensitive or another expression (${this.origin})`);
    }
    let resolved: unknown;
    try {
      resolved = Tokenization.resolve(this.value, { scope, preparing: false, resolver: new DefaultTokenResolver(new StringConcat()) });
    } catch {
      resolved = undefined;
    }
    const text = typeof resolved === "string" ? resolved : "";
    const variable = VARIABLE_REF.exec(text);
    if (variable) {
      const v = findElement(stack, (c): c is TerraformVariable => isTerraformVariable(c) && c.friendlyUniqueId === variable[1]);
      if (v) {
        checkVariable(prop, v);
        return this.value;
      }
    }
    const kv = KEY_VAULT_SECRET_REF.exec(text);
    if (kv && findElement(stack, (c): c is DataAzurermKeyVaultSecret => isKeyVaultSecretData(c) && c.friendlyUniqueId === kv[1])) {
      return this.value;
    }
    throw invalidSecret(prop, `${ACCEPTED}, in this stack; not a literal, a Lazy, a concatenation, Fn.nonsensitive or another expression (${this.origin})`);
  }
}

function checkVariable(prop: string, variable: TerraformVariable): void {
  if (!isTerraformVariable(variable)) {
    throw variable === undefined ? missingProp(prop, "a TerraformVariable declared with sensitive: true") : invalidProp(prop, String(variable), "a TerraformVariable declared with sensitive: true");
  }
  if (variable.sensitive !== true) {
    throw invalidProp(prop, `var.${variable.friendlyUniqueId}`, "a TerraformVariable declared with sensitive: true (Terraform then keeps it out of plan output)", ConstructErrorCode.UNSAFE_SECRET);
  }
  if (variable.default !== undefined) {
    // The default is a literal in the configuration (and in cdk.tf.json): never quote it.
    throw invalidProp(prop, `var.${variable.friendlyUniqueId} (its default is not shown)`,
      "a sensitive variable without a default: the value must come from -var, a .tfvars file or TF_VAR_* at plan time, never from the code", ConstructErrorCode.UNSAFE_SECRET);
  }
}

/** Variables and data sources usually sit directly in the stack: look there first, then everywhere. */
function findElement<T extends IConstruct>(stack: TerraformStack, match: (c: IConstruct) => c is T): T | undefined {
  return (stack.node.children.find(match) ?? stack.node.findAll().find(match)) as T | undefined;
}
