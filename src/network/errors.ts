/** Stable codes of construction errors: match on these, not on message text. */
export enum ConstructErrorCode {
  /** The value is malformed, out of range or not one of the allowed values. */
  INVALID_VALUE = "SDZ-PROP-INVALID",
  /** A required prop is missing. */
  MISSING_VALUE = "SDZ-PROP-MISSING",
  /** The value is already used by another construct (a static IP, a server, account or tunnel name). */
  DUPLICATE_VALUE = "SDZ-PROP-DUPLICATE",
  /** The value contradicts another prop or the construct's state. */
  CONFLICTING_VALUE = "SDZ-PROP-CONFLICT",
  /** A secret was given in a form that can carry a literal value. */
  UNSAFE_SECRET = "SDZ-PROP-SECRET",
}

/** What a {@link ConstructError} says. */
export interface ConstructErrorDetails {
  /** The prop, as the user wrote it (`flowLogs.retentionDays`, `addressSpace[1]`). */
  readonly prop: string;
  /** The offending value. Never read for a secret (see `secret`). */
  readonly value?: any;
  /** What is allowed instead. */
  readonly allowed: string;
  /**
   * The stable code.
   * @default ConstructErrorCode.INVALID_VALUE
   */
  readonly code?: ConstructErrorCode;
  /**
   * Path of the construct the prop belongs to.
   * @default - none (a static factory such as `Peer.ipv4`); constructs add their path
   */
  readonly constructPath?: string;
  /**
   * The prop holds a secret: the value is never rendered, stored or compared.
   * @default false
   */
  readonly secret?: boolean;
}

/**
 * The error every construct throws for bad input. It names the construct (its path), the prop,
 * the value (never for a secret) and what is allowed, and carries a stable code, so a user can fix
 * the call without reading the source and a tool can match on `code`.
 *
 * TypeScript and JavaScript code can catch it as a `ConstructError`; jsii cannot model a subclass
 * of `Error`, so other languages read the same fields with {@link ConstructErrors.describe}.
 * @internal
 */
export class ConstructError extends Error {
  /** True for a {@link ConstructError} (also across copies of this library). */
  public static isConstructError(x: any): boolean {
    return x !== null && typeof x === "object" && x.constructErrorMarker === CONSTRUCT_ERROR_MARKER;
  }

  /** The stable code. */
  public readonly code: ConstructErrorCode;
  /** The prop. */
  public readonly prop: string;
  /** The value as shown in the message; undefined for a secret. */
  public readonly valueText?: string;
  /** What is allowed. */
  public readonly allowed: string;
  /** Path of the construct, when known. */
  public readonly constructPath?: string;
  /** Whether the value was withheld because the prop holds a secret. */
  public readonly secret: boolean;
  /** Marks instances for {@link ConstructError.isConstructError}. */
  public readonly constructErrorMarker: string = CONSTRUCT_ERROR_MARKER;

  constructor(details: ConstructErrorDetails) {
    const secret = details.secret === true;
    const valueText = secret ? undefined : formatValue(details.value);
    const code = details.code ?? ConstructErrorCode.INVALID_VALUE;
    const where = details.constructPath ? `${details.constructPath}: ` : "";
    super(`${where}Invalid ${details.prop}: ${secret ? "<secret, not shown>" : valueText}. Allowed: ${details.allowed} [${code}]`);
    this.name = "ConstructError";
    this.code = code;
    this.prop = details.prop;
    this.valueText = valueText;
    this.allowed = details.allowed;
    this.constructPath = details.constructPath;
    this.secret = secret;
    // Keep the value itself off the error object: only its rendering (or nothing, for a secret).
    Object.setPrototypeOf(this, ConstructError.prototype);
  }

  /**
   * The same error attributed to a construct (unchanged when it already names one).
   * @param constructPath the construct's path (`node.path`)
   */
  public inConstruct(constructPath: string): ConstructError {
    if (this.constructPath) return this;
    const e = new ConstructError({ prop: this.prop, allowed: this.allowed, code: this.code, constructPath, secret: this.secret });
    // The value text was rendered once; reuse it rather than re-rendering a value we no longer hold.
    (e as { valueText?: string }).valueText = this.valueText;
    e.message = `${constructPath}: ${this.message}`;
    e.stack = this.stack?.replace(this.message, e.message);
    return e;
  }
}

const CONSTRUCT_ERROR_MARKER = "secure-deployment-zones.ConstructError";

/** The fields of a construction error, for every jsii language. */
export interface ConstructErrorInfo {
  /** The stable code. */
  readonly code: ConstructErrorCode;
  /** The prop. */
  readonly prop: string;
  /**
   * The value as the message shows it.
   * @default - none: the prop holds a secret
   */
  readonly valueText?: string;
  /** What is allowed. */
  readonly allowed: string;
  /**
   * Path of the construct.
   * @default - none (thrown by a static factory such as `Peer.ipv4`)
   */
  readonly constructPath?: string;
  /** Whether the value was withheld because the prop holds a secret. */
  readonly secret: boolean;
  /** The whole message. */
  readonly message: string;
}

/** Reads construction errors (the errors constructs throw for bad input). */
export class ConstructErrors {
  /** True when `error` is a construction error of this library. */
  public static isConstructError(error: any): boolean {
    return ConstructError.isConstructError(error);
  }

  /**
   * The fields of a construction error: code, prop, value text (never a secret), allowed values,
   * construct path.
   * @returns undefined when `error` is not a construction error
   */
  public static describe(error: any): ConstructErrorInfo | undefined {
    if (!ConstructError.isConstructError(error)) return undefined;
    const e = error as ConstructError;
    return { code: e.code, prop: e.prop, valueText: e.valueText, allowed: e.allowed, constructPath: e.constructPath, secret: e.secret, message: e.message };
  }

  private constructor() {}
}

/**
 * Builds the error thrown for bad construct input: it always names the property, the value and
 * what is allowed. Constructs add their path (see {@link attributeErrors}).
 * @internal
 */
export function invalidProp(prop: string, value: unknown, allowed: string, code: ConstructErrorCode = ConstructErrorCode.INVALID_VALUE): ConstructError {
  return new ConstructError({ prop, value, allowed, code });
}

/** The error for a missing required prop. @internal */
export function missingProp(prop: string, allowed: string): ConstructError {
  return new ConstructError({ prop, value: undefined, allowed, code: ConstructErrorCode.MISSING_VALUE });
}

/** The error for a secret prop: never renders the value. @internal */
export function invalidSecret(prop: string, allowed: string, code: ConstructErrorCode = ConstructErrorCode.UNSAFE_SECRET): ConstructError {
  return new ConstructError({ prop, allowed, code, secret: true });
}

/**
 * Runs `fn`; a {@link ConstructError} it throws without a construct path gets `path`.
 * @internal
 */
export function attributeErrors<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConstructError) throw e.inConstruct(path);
    throw e;
  }
}

/** The path a construct will have, for errors raised before `super()` runs. @internal */
export function childPath(scope: { node: { path: string } }, id: string): string {
  return scope?.node?.path ? `${scope.node.path}/${id}` : id;
}

/** Renders a value for an error message; long lists and objects are kept readable. @internal */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 300 ? `${value.slice(0, 297)}...` : value);
  if (value === undefined) return "undefined";
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 200 ? `${text.slice(0, 197)}...` : text;
  } catch {
    return String(value);
  }
}

/** Fails when an integer is outside [min, max]. @internal */
export function requireIntInRange(prop: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw invalidProp(prop, value, `an integer from ${min} to ${max}`);
  }
  return value;
}
