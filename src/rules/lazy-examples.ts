import { RuleExample } from "../engine/rule";

/** A rule's good and bad examples. */
export interface RuleExamples {
  readonly bad: readonly RuleExample[];
  readonly good: readonly RuleExample[];
}

/**
 * A rule's examples, built on first read: they are Terraform JSON fixtures for the example test and
 * docs/rules.md, which a synth never reads, so loading the rules does not build them (80 rules).
 */
export function lazyExamples(build: () => RuleExamples): RuleExamples {
  let built: RuleExamples | undefined;
  const examples = () => (built ??= build());
  return {
    get bad() {
      return examples().bad;
    },
    get good() {
      return examples().good;
    },
  };
}
