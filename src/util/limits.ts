/** Explicit limits (documented in docs/charts.md). Exceeding one is a clear error, never a hang. */
export const LIMITS = {
  /** Largest values, submission, chart or policy file read. */
  maxFileBytes: 10 * 1024 * 1024,
  /** Nesting depth of values, submissions and rendered objects. */
  maxDepth: 256,
  /** Nested `include` calls (a define that includes itself). */
  maxIncludeDepth: 64,
  /** Nodes in one YAML document (a file or a rendered template) after alias expansion. */
  maxNodes: 1_000_000,
  /** Bytes of rendered output per chart. */
  maxRenderedBytes: 20 * 1024 * 1024,
} as const;
