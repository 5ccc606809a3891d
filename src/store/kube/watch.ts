/**
 * A Kubernetes watch stream as a Store Watch: newline-delimited JSON events from a streaming
 * GET. ERROR events carry a Status: a 410 becomes the Store's Expired error (list again).
 * The stream is paused while the consumer lags behind, so a slow reader holds at most
 * HIGH_WATER events in memory.
 */
import type { IncomingMessage } from 'node:http';
import { StoreError } from '../errors.js';
import type { KubeObject, Watch, WatchEvent, WatchEventType } from '../types.js';
import { type KubeStatus, statusError } from './errors.js';

const HIGH_WATER = 1000;
const LOW_WATER = 100;
/** Longest single event line (an object is at most ~1.5 MB in etcd; JSON adds little). */
const MAX_LINE_BYTES = 8 * 1024 * 1024;
const EVENT_TYPES = new Set<string>(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

type Waiter = { resolve: (r: IteratorResult<WatchEvent, undefined>) => void; reject: (e: unknown) => void };

export class KubeWatch implements Watch {
  private readonly queue: WatchEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private failure: unknown;
  private ended = false;
  private paused = false;
  private partial = '';

  constructor(
    private readonly res: IncomingMessage,
    private readonly clean: (o: KubeObject) => KubeObject,
    private readonly onClose: () => void,
  ) {
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => this.data(chunk));
    res.on('end', () => this.end());
    res.on('error', (e) => this.end(this.ended ? undefined : e));
    res.on('close', () => this.end());
  }

  private data(chunk: string): void {
    if (this.ended) return;
    this.partial += chunk;
    let nl = this.partial.indexOf('\n');
    while (nl >= 0) {
      const line = this.partial.slice(0, nl).trim();
      this.partial = this.partial.slice(nl + 1);
      if (line !== '') this.line(line);
      if (this.ended) return;
      nl = this.partial.indexOf('\n');
    }
    if (this.partial.length > MAX_LINE_BYTES)
      this.fail(new StoreError('BadRequest', 'watch event too large'));
  }

  private line(line: string): void {
    let ev: { type?: string; object?: unknown };
    try {
      ev = JSON.parse(line);
    } catch {
      this.fail(new StoreError('BadRequest', `malformed watch event: ${line.slice(0, 200)}`));
      return;
    }
    if (ev.type === 'ERROR') {
      const status = (ev.object ?? {}) as KubeStatus;
      this.fail(statusError(status.code ?? 500, status));
      return;
    }
    if (!ev.type || !EVENT_TYPES.has(ev.type) || typeof ev.object !== 'object' || ev.object === null) {
      this.fail(new StoreError('BadRequest', `unexpected watch event: ${line.slice(0, 200)}`));
      return;
    }
    const object = ev.object as KubeObject;
    const event: WatchEvent =
      ev.type === 'BOOKMARK'
        ? {
            type: 'BOOKMARK',
            object: {
              apiVersion: object.apiVersion,
              kind: object.kind,
              metadata: { resourceVersion: object.metadata?.resourceVersion },
            } as KubeObject,
          }
        : { type: ev.type as WatchEventType, object: this.clean(object) };
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve({ done: false, value: event });
    else {
      this.queue.push(event);
      if (this.queue.length >= HIGH_WATER && !this.paused) {
        this.paused = true;
        this.res.pause();
      }
    }
  }

  /** An error is delivered after the events before it, then the watch is over. */
  private fail(e: unknown): void {
    if (this.ended) return;
    this.failure = e;
    this.finish();
  }

  private end(e?: unknown): void {
    if (this.ended) return;
    if (e !== undefined) this.failure = e;
    this.finish();
  }

  private finish(): void {
    this.ended = true;
    this.res.destroy();
    this.onClose();
    for (const w of this.waiters.splice(0)) this.settle(w);
  }

  private settle(w: Waiter): void {
    if (this.failure !== undefined) {
      const f = this.failure;
      this.failure = undefined;
      w.reject(f);
    } else w.resolve({ done: true, value: undefined });
  }

  next(): Promise<IteratorResult<WatchEvent, undefined>> {
    const event = this.queue.shift();
    if (event) {
      if (this.paused && this.queue.length <= LOW_WATER) {
        this.paused = false;
        this.res.resume();
      }
      return Promise.resolve({ done: false, value: event });
    }
    return new Promise((resolve, reject) => {
      const w = { resolve, reject };
      if (this.ended) this.settle(w);
      else this.waiters.push(w);
    });
  }

  close(): void {
    this.queue.length = 0;
    this.failure = undefined;
    this.end();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent, undefined> {
    return {
      next: () => this.next(),
      return: async () => {
        this.close();
        return { done: true, value: undefined };
      },
    };
  }
}
