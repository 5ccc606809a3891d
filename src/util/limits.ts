/** Explicit limits (documented in docs/charts.md). Exceeding one is a clear error, never a hang. */
export const LIMITS = {
  /** Largest values, submission, chart or policy file read. */
  maxFileBytes: 10 * 1024 * 1024,
  /** YAML aliases allowed in one file a person wrote (billion-laughs guard). */
  maxAliasCount: 100,
  /** Nesting depth of values, submissions and rendered objects. */
  maxDepth: 256,
  /** Nested `include` calls (a define that includes itself). */
  maxIncludeDepth: 64,
  /** Nodes in one rendered document after alias expansion. */
  maxRenderedNodes: 1_000_000,
  /** Bytes of rendered output per chart. */
  maxRenderedBytes: 20 * 1024 * 1024,
} as const;
