/**
 * The bound on a parsed tree after alias expansion: how many nodes and how much text (map keys
 * and strings) one input may hold. js-yaml shares an aliased node instead of copying it, so a
 * small file can stand for gigabytes; whoever walks the tree counts here, and the walk stops at
 * the limit instead of at `Invalid string length`. One budget spans all documents of an input.
 */
import { ClustermintError, type SourceLocation } from './errors.js';
import { LIMITS } from './limits.js';
import { formatBytes } from './read-text-file.js';

/** What the tree was parsed from: only YAML has aliases to blame. */
export type TreeSource = 'yaml' | 'json';

/** Other bounds than the input limits, for a reader of larger documents (a repository index). */
export interface ExpansionLimits {
  maxNodes: number;
  maxChars: number;
}

export class ExpansionBudget {
  private nodes = 0;
  private chars = 0;
  private readonly maxNodes: number;
  private readonly maxChars: number;

  constructor(
    private readonly where: SourceLocation,
    private readonly source: TreeSource = 'yaml',
    limits?: ExpansionLimits,
  ) {
    this.maxNodes = limits?.maxNodes ?? LIMITS.maxNodes;
    this.maxChars = limits?.maxChars ?? LIMITS.maxExpandedChars;
  }

  /** Counts one node (a map, a list or a scalar); `root` words the error when it trips. */
  node(root: unknown): void {
    if (++this.nodes > this.maxNodes) throw this.tooManyNodes(root);
  }

  /** Counts a key or a string. */
  text(s: string): void {
    this.chars += s.length;
    if (this.chars > this.maxChars) {
      const limit = formatBytes(this.maxChars);
      throw this.source === 'yaml'
        ? new ClustermintError(
            'YAML_ALIASES',
            `YAML aliases expand to over ${limit} of keys and strings (the limit): refusing a possible alias bomb`,
            this.where,
          )
        : new ClustermintError(
            'TOO_LARGE',
            `the document holds over ${limit} of keys and strings (the limit)`,
            this.where,
          );
    }
  }

  /** Node count exceeded: an alias bomb only when the tree without its shared parts is smaller. */
  private tooManyNodes(root: unknown): ClustermintError {
    const limit = this.maxNodes.toLocaleString('en-US');
    if (this.source === 'yaml' && distinctNodesWithin(root, this.maxNodes)) {
      return new ClustermintError(
        'YAML_ALIASES',
        `YAML aliases expand to over ${limit} nodes: refusing a possible alias bomb`,
        this.where,
      );
    }
    return new ClustermintError(
      'TOO_LARGE',
      `the document has over ${limit} nodes (maps, lists and values), the limit`,
      this.where,
    );
  }
}

/** Whether the tree, each shared map or list counted once, has at most `max` nodes. */
function distinctNodesWithin(root: unknown, max: number): boolean {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  let n = 0;
  while (stack.length > 0) {
    const v = stack.pop();
    if (++n > max) return false;
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return true;
}

/**
 * Walks a parsed tree within the budget and the depth limit, without copying it (for readers
 * that keep the parser's objects).
 */
export function checkTree(
  root: unknown,
  budget: ExpansionBudget,
  where: SourceLocation,
  onObject?: (o: object) => void,
): void {
  const walk = (v: unknown, depth: number): void => {
    budget.node(root);
    if (typeof v === 'string') budget.text(v);
    if (v === null || typeof v !== 'object') return;
    if (depth > LIMITS.maxDepth) {
      throw new ClustermintError(
        'TOO_DEEP',
        `document is nested deeper than ${LIMITS.maxDepth} levels`,
        where,
      );
    }
    if (Array.isArray(v)) for (const x of v) walk(x, depth + 1);
    else
      for (const k of Object.keys(v)) {
        budget.text(k);
        walk((v as Record<string, unknown>)[k], depth + 1);
      }
    onObject?.(v);
  };
  walk(root, 0);
}
