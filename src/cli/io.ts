/** Exit codes of the command line. */
export const EXIT = { OK: 0, FINDINGS: 1, UNUSABLE: 2 } as const;

/** Where the command writes (the process streams, or buffers). */
export interface Io {
  readonly errIsTty: boolean;
  out(text: string): void;
  err(text: string): void;
}
