/**
 * jsii type names of an object's class and the classes it extends, nearest first (`cdktf.TerraformStack`,
 * `cdktn.TerraformVariable`), from the run-time type information jsii libraries carry under
 * `Symbol.for("jsii.rtti")`. `instanceof` knows only this build's engine; the type names tell cdktf's
 * classes from CDK Terrain's in an app that holds both (issue 20).
 */
export function jsiiTypeNames(x: unknown): string[] {
  const out: string[] = [];
  if (x === null || typeof x !== "object") return out;
  for (let c: unknown = (x as object).constructor; typeof c === "function"; c = Object.getPrototypeOf(c)) {
    // Own property only: a subclass without its own information inherits its parent's (read once, at the parent).
    const rtti = Object.prototype.hasOwnProperty.call(c, JSII_RTTI) ? (c as unknown as Record<symbol, { fqn?: unknown } | undefined>)[JSII_RTTI] : undefined;
    const fqn = rtti?.fqn;
    if (typeof fqn === "string") out.push(fqn);
  }
  return out;
}

const JSII_RTTI = Symbol.for("jsii.rtti");
