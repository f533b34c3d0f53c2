/**
 * 10,000 messages through the fault-injecting relay with a client that follows the SPEC's
 * retry rules (same Idempotency-Key on every re-post, Retry-After on 429, 409 = in flight):
 * every message ends accepted or rejected, none is lost, none is written twice.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { MessageResult } from '../../../relay/batch';
import { startFaultRelay, type FaultRelay } from '../../support/fault-relay';
import { message } from './relay-harness';

let fault: FaultRelay | null = null;
afterEach(async () => {
  await fault?.close();
  fault = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Posts one batch until it has an answer for every message; returns those results. */
async function sendBatch(
  url: string,
  token: string,
  key: string,
  body: unknown,
  log: { attempts: number }
): Promise<MessageResult[]> {
  let backoff = 20;
  for (;;) {
    log.attempts++;
    let res: Response;
    try {
      res = await fetch(`${url}/v1/batches`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': `"${key}"`
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(400)
      });
    } catch {
      // Network error, dropped connection or timeout: the outcome is unknown, post again.
      await sleep(backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 500);
      continue;
    }
    if (res.status === 200) return ((await res.json()) as { results: MessageResult[] }).results;
    await res.body?.cancel();
    if (res.status === 429) {
      await sleep(Number(res.headers.get('retry-after') ?? '1') * 1000);
    } else if (res.status === 409 || res.status >= 500) {
      await sleep(backoff * (0.5 + Math.random()));
      backoff = Math.min(backoff * 2, 500);
    } else {
      throw new Error(`batch ${key}: ${res.status} ${await res.text()}`);
    }
  }
}

describe('fault relay', () => {
  it('delivers 10,000 messages exactly once through 500s, 429s, stalls and dropped answers', async () => {
    fault = await startFaultRelay({
      port: 8860,
      faults: {
        failFirst: 3,
        p429: 0.05,
        retryAfterSeconds: 0,
        pStall: 0.05,
        stallMs: 600,
        pDrop: 0.08,
        p502After: 0.05,
        reject: (email) => /^person\d*7@/.test(email),
        seed: 42
      }
    });
    const total = 10_000;
    const size = 100;
    const log = { attempts: 0 };
    const results = new Map<string, MessageResult[]>();
    const batches = Array.from({ length: total / size }, (_, b) => ({
      batchId: `em1-b${b}`,
      emailingId: 'em1',
      messages: Array.from({ length: size }, (_, i) => message(b * size + i))
    }));
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < batches.length) {
          const b = next++;
          const got = await sendBatch(fault!.url, fault!.token, `em1:${b}`, batches[b], log);
          for (const r of got) results.set(r.messageId, [...(results.get(r.messageId) ?? []), r]);
        }
      })
    );

    const stats = fault.stats;
    expect(stats.failed500).toBe(3);
    expect(stats.answered429).toBeGreaterThan(0);
    expect(stats.stalled).toBeGreaterThan(0);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.answered502After).toBeGreaterThan(0);

    // Zero lost: every message has exactly one final result.
    expect(results.size).toBe(total);
    for (const list of results.values()) expect(list).toHaveLength(1);
    const rejected = [...results.values()].filter(([r]) => r.status === 'rejected');
    expect(rejected.length).toBe(1000);
    expect(rejected.every(([r]) => /^person\d*7@/.test(`person${r.messageId.slice(1)}@`))).toBe(
      true
    );

    // Zero duplicates: one .eml per accepted message, each written once.
    const files = readdirSync(`${fault.outboxDir}/em1`);
    expect(files.length).toBe(total - 1000);
    expect(new Set(files).size).toBe(files.length);
    const delivered = fault.relay.events.all().filter((e) => e.type === 'delivered');
    expect(delivered.length).toBe(total - 1000);
    expect(new Set(delivered.map((e) => e.messageId)).size).toBe(total - 1000);
    expect(delivered.some((e) => e.reason === 'already in the outbox')).toBe(false);
    expect(log.attempts).toBeGreaterThan(total / size);
  });
});
