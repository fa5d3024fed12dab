/** meshflap's exit codes: one meaning each, the same for every command. */
export const EXIT = {
  /** every verdict passed */
  pass: 0,
  /** a verdict failed (or, for matrix/gate, a result differs from what was expected) */
  verdictFailed: 1,
  /** bad input (scenario, flags, run dir) or a set-up failure; nothing was judged */
  badInput: 2,
  /** interrupted by SIGINT; everything started was stopped */
  interrupted: 130
} as const
