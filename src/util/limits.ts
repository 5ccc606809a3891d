/** Explicit limits (documented in docs/charts.md). Exceeding one is a clear error, never a hang. */
export const LIMITS = {
  /**
   * Largest input read: a values, submission, chart or policy file, a device, a pipe or stdin.
   * Streams are read up to this cap and no further.
   */
  maxFileBytes: 10 * 1024 * 1024,
  /** Nesting depth of values, submissions and rendered objects. */
  maxDepth: 256,
  /** Nested `include` calls (a define that includes itself). */
  maxIncludeDepth: 64,
  /** Nodes in one input (a file, a payload, a rendered template) after alias expansion. */
  maxNodes: 1_000_000,
  /**
   * Text (map keys and strings, in UTF-16 units) in one input after alias expansion: aliases to
   * long strings stay under the node limit and would still expand to gigabytes.
   */
  maxExpandedChars: 32 * 1024 * 1024,
  /** Bytes of rendered output per chart. */
  maxRenderedBytes: 20 * 1024 * 1024,
  /**
   * Steps of one template evaluation (a chart render, a ClusterClass's patches), every nested
   * include, template and tpl call counted in the same budget (work-budget.ts): a node walked, a
   * function or helper called, an item a function returns in a list, a node of a value that a
   * function serializes, prints or merges. Depth limits alone let an include that calls the next
   * one twice, 40 deep, run 2^40 calls. The largest real charts take under 1,000 (k0rdent's
   * openstack-standalone-cp with every option: 847; the built-in handlebars charts: 350).
   */
  maxTemplateSteps: 5_000_000,
  /**
   * Characters one template evaluation produces: text written at every include level and
   * strings that functions return (a string doubled 40 times stops here, not at V8's limit).
   * Real charts: about 20,000 (k0rdent's openstack-standalone-cp with every option: 20,170).
   */
  maxTemplateOutputChars: 64 * 1024 * 1024,
} as const;
