/**
 * Terraform takes only bare references in `depends_on` (`type.name`, `data.type.name`, `module.name`);
 * an interpolation ("${type.name}") fails `terraform init` with "Invalid expression".
 * https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on
 */
const BARE_REFERENCE = /^(?:(?:data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*|module\.[A-Za-z_][\w-]*)$/;

/** Every `depends_on` entry of a synthesized stack that Terraform would refuse, as "address: entry". */
export function refusedDependsOn(json: { resource?: Record<string, Record<string, { depends_on?: unknown[] }>> }): string[] {
  const refused: string[] = [];
  for (const [type, byName] of Object.entries(json.resource ?? {})) {
    for (const [name, body] of Object.entries(byName)) {
      for (const entry of body.depends_on ?? []) {
        if (typeof entry !== "string" || !BARE_REFERENCE.test(entry)) refused.push(`${type}.${name}: ${String(entry)}`);
      }
    }
  }
  return refused;
}

/** How many `depends_on` entries a synthesized stack has (so a test of their form cannot pass on none). */
export function dependsOnCount(json: { resource?: Record<string, Record<string, { depends_on?: unknown[] }>> }): number {
  return Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.values(byName).reduce((m, b) => m + (b.depends_on?.length ?? 0), 0), 0);
}
