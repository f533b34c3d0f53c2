/**
 * The app's side of the relay protocol: capabilities, batch posts, events. Errors a person
 * can fix come back as clear messages: the relay unreachable, a bad token (401), or a relay
 * that answers but does not allow this origin (CORS), told apart by a no-cors probe.
 */
import {
  parseCapabilities,
  parseEvents,
  parseResults,
  parseScheduled,
  type RelayEventPage,
  type RelayBatch,
  type RelayCapabilities,
  type RelayResult
} from '$lib/core/email/relay-protocol';
import { relayUrlProblem } from '$lib/core/email/relay-origins';
import type { PostOutcome } from '$lib/core/email/retry-policy';

export interface RelayTarget {
  url: string;
  token: string;
}

export type CapabilitiesOutcome =
  | { ok: true; capabilities: RelayCapabilities }
  | {
      ok: false;
      problem: 'config' | 'unreachable' | 'cors' | 'unauthorized' | 'protocol';
      message: string;
    };

export type BatchPost =
  | {
      outcome: PostOutcome & { kind: 'http'; status: 200 };
      results: RelayResult[];
      /** Set when the relay holds the batch for its `sendAt` instead of sending it now. */
      scheduled?: string | null;
    }
  | { outcome: PostOutcome; results: null };

/** What `DELETE /v1/batches/{id}` said. */
export type CancelOutcome =
  | { kind: 'cancelled' }
  /** The relay sent it already (or is sending it): it cannot be withdrawn. */
  | { kind: 'sent' }
  /** The relay has no such batch: it will send nothing for it. */
  | { kind: 'unknown' }
  | { kind: 'failed'; message: string };

function endpoint(base: string, path: string): string {
  return base.replace(/\/+$/, '') + path;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

const NOT_JSON = Symbol('not JSON');

/** The JSON of a body, or NOT_JSON (an HTML error page from a proxy, a cut-off answer). */
async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text()) as unknown;
  } catch {
    return NOT_JSON;
  }
}

export class RelayClient {
  constructor(
    private readonly fetchFn: typeof fetch,
    private readonly allowedOrigins: readonly string[],
    private readonly timeoutMs = 30_000
  ) {}

  /** A message when the target cannot be used (no URL, origin not allowed), else null. */
  targetProblem(target: RelayTarget): string | null {
    if (!target.url.trim()) return 'No relay is set: enter its address in the relay settings.';
    return relayUrlProblem(target.url, this.allowedOrigins);
  }

  private headers(target: RelayTarget, extra: Record<string, string> = {}): Record<string, string> {
    return { Authorization: `Bearer ${target.token}`, ...extra };
  }

  private async call(url: string, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchFn(url, { ...init, signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  }

  /** Whether anything answers at `url` at all, CORS aside (an opaque no-cors response). */
  private async answers(url: string): Promise<boolean> {
    try {
      await this.call(url, { mode: 'no-cors' });
      return true;
    } catch {
      return false;
    }
  }

  async capabilities(target: RelayTarget): Promise<CapabilitiesOutcome> {
    const problem = this.targetProblem(target);
    if (problem) return { ok: false, problem: 'config', message: problem };
    const url = endpoint(target.url, '/v1/capabilities');
    let response: Response;
    try {
      response = await this.call(url, { headers: this.headers(target) });
    } catch (err) {
      const inBrowser =
        typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
        typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';
      if (inBrowser && (await this.answers(url))) {
        return {
          ok: false,
          problem: 'cors',
          message:
            `The relay at ${target.url} answers but does not allow this page's origin (CORS). ` +
            "Add this origin to the relay's RELAY_ALLOWED_ORIGINS."
        };
      }
      return {
        ok: false,
        problem: 'unreachable',
        message: `The relay at ${target.url} cannot be reached (${errorText(err)}). Is it running?`
      };
    }
    if (response.status === 401 || response.status === 403) {
      return {
        ok: false,
        problem: 'unauthorized',
        message: `The relay refused the token (HTTP ${response.status}). Copy the token the relay printed at start.`
      };
    }
    if (!response.ok) {
      return {
        ok: false,
        problem: 'protocol',
        message: `The relay answered HTTP ${response.status} to /v1/capabilities.`
      };
    }
    const body = await readJson(response);
    if (body === NOT_JSON) {
      return {
        ok: false,
        problem: 'protocol',
        message: `The relay at ${target.url} answered /v1/capabilities with something that is not JSON: is it the address of a Slice relay?`
      };
    }
    try {
      return { ok: true, capabilities: parseCapabilities(body) };
    } catch (err) {
      return { ok: false, problem: 'protocol', message: errorText(err) };
    }
  }

  /** One post of a batch body (already serialised, so re-posts are byte-identical). */
  async postBatch(target: RelayTarget, key: string, body: string): Promise<BatchPost> {
    let response: Response;
    try {
      response = await this.call(endpoint(target.url, '/v1/batches'), {
        method: 'POST',
        headers: this.headers(target, {
          'Content-Type': 'application/json',
          'Idempotency-Key': key
        }),
        body
      });
    } catch (err) {
      return { outcome: { kind: 'network', message: errorText(err) }, results: null };
    }
    if (response.status === 200) {
      try {
        const body = await readJson(response);
        if (body === NOT_JSON)
          throw new Error('The relay answered the batch with something that is not JSON.');
        return {
          outcome: { kind: 'http', status: 200 },
          results: parseResults(body),
          scheduled: parseScheduled(body)
        };
      } catch (err) {
        // A 200 we cannot read: the relay may have sent; treat as unknown, re-post replays.
        return { outcome: { kind: 'http', status: 502, message: errorText(err) }, results: null };
      }
    }
    let message = '';
    try {
      message = (await response.text()).slice(0, 300);
    } catch {
      // No body to show.
    }
    return {
      outcome: {
        kind: 'http',
        status: response.status,
        retryAfter: response.headers.get('Retry-After'),
        message
      },
      results: null
    };
  }

  async cancelBatch(target: RelayTarget, batchId: string): Promise<CancelOutcome> {
    let r: Response;
    try {
      r = await this.call(endpoint(target.url, `/v1/batches/${encodeURIComponent(batchId)}`), {
        method: 'DELETE',
        headers: this.headers(target)
      });
    } catch (err) {
      return {
        kind: 'failed',
        message: `The relay at ${target.url} cannot be reached (${errorText(err)}).`
      };
    }
    if (r.ok) return { kind: 'cancelled' };
    if (r.status === 409) return { kind: 'sent' };
    if (r.status === 404) return { kind: 'unknown' };
    const text = await r.text().catch(() => '');
    return {
      kind: 'failed',
      message: `The relay answered HTTP ${r.status} to the cancellation${text ? `: ${text.slice(0, 200)}` : ''}.`
    };
  }

  async events(target: RelayTarget, after: string | null, limit = 500): Promise<RelayEventPage> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (after) q.set('after', after);
    const r = await this.call(endpoint(target.url, `/v1/events?${q}`), {
      headers: this.headers(target)
    });
    if (!r.ok) throw new Error(`The relay answered HTTP ${r.status} to /v1/events.`);
    const body = await readJson(r);
    if (body === NOT_JSON)
      throw new Error('The relay answered /v1/events with something that is not JSON.');
    return parseEvents(body, after);
  }
}

export type { RelayBatch };
