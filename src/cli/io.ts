/** Exit codes of the command line. */
export const EXIT = { OK: 0, FINDINGS: 1, UNUSABLE: 2 } as const;

/** Where the command writes (the process streams, or buffers). */
export interface Io {
  readonly errIsTty: boolean;
  /** Whether standard output is a terminal (for colour). @default false */
  readonly outIsTty?: boolean;
  /** The environment (NO_COLOR, FORCE_COLOR, TERM). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  out(text: string): void;
  err(text: string): void;
}
