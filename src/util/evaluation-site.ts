/**
 * Where an evaluation is: the named source (a policy, a chart, a ClusterClass) whose work has
 * started last. The gate marks each one; without a sink that is a no-op. The webhook's isolate
 * workers install a sink that writes the text into shared memory, so that the main thread can
 * name the source a worker was in when it ran past its deadline or ran out of memory.
 */

type Sink = (what: string) => void;
let sink: Sink | undefined;

/** Marks the start of work on a named source (`ValidatingPolicy team-limits`, `template aws-standalone-cp`). */
export function evaluationSite(what: string): void {
  if (sink) sink(what);
}

/** Installs (or, with undefined, removes) the receiver of the marks. */
export function setEvaluationSiteSink(fn: Sink | undefined): void {
  sink = fn;
}
