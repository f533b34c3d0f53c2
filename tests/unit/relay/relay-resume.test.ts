/**
 * A relay stopped in the middle of a batch (the process killed after some messages went
 * out) resumes it at the next start from its journal: the messages already handed over are
 * not sent again, the others are, and the client's re-post with the same key gets the whole
 * answer.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { validateBatch } from '../../../relay/batch';
import { BatchStore } from '../../../relay/batch-store';
import { fingerprint } from '../../../relay/canonical-json';
import type { Relay } from '../../../relay/server';
import { batchBody, message, postBatch, relayAt, tempDir } from './relay-harness';

let relay: Relay | null = null;
afterEach(async () => {
  await relay?.close();
  relay = null;
});

describe('relay restart mid-batch', () => {
  it('sends only the messages its journal does not have, once', async () => {
    const dir = tempDir('resume');
    const body = batchBody('b1', [message(1), message(2), message(3)]);
    // The state a killed relay leaves: the batch stored as being sent, m1 journaled.
    const store = new BatchStore(dir);
    store.save({
      key: 'em1:1',
      fingerprint: fingerprint(body),
      batch: validateBatch(body, 500),
      state: 'sending',
      createdAt: new Date().toISOString()
    });
    store.record('em1:1', [{ messageId: 'm1', status: 'accepted' }]);
    store.close();

    relay = await relayAt(8835, dir);
    const outbox = join(dir, 'outbox', 'em1');
    await expect
      .poll(() => (existsSync(outbox) ? readdirSync(outbox).sort() : []), { timeout: 5000 })
      .toEqual(['m2.eml', 'm3.eml']);
    await expect.poll(() => relay!.store.get('em1:1')?.state).toBe('done');
    const replay = await postBatch(relay.url, '"em1:1"', body);
    expect(replay.res.status).toBe(200);
    expect(replay.json.results).toEqual([
      { messageId: 'm1', status: 'accepted' },
      { messageId: 'm2', status: 'accepted' },
      { messageId: 'm3', status: 'accepted' }
    ]);
    expect(readdirSync(outbox)).toHaveLength(2);
    expect(
      relay.events
        .all()
        .map((e) => e.messageId)
        .sort()
    ).toEqual(['m2', 'm3']);
  });

  it('forgets a key idempotencyTtl after its batch closed, not before', () => {
    const dir = tempDir('purge');
    const store = new BatchStore(dir);
    const body = batchBody('b1', [message(1)]);
    const closedAt = '2026-01-01T00:00:00.000Z';
    store.save({
      key: 'k1',
      fingerprint: fingerprint(body),
      batch: validateBatch(body, 500),
      state: 'done',
      createdAt: closedAt,
      closedAt,
      response: { results: [{ messageId: 'm1', status: 'accepted' }] }
    });
    const day = 86_400_000;
    expect(store.purge(86_400, Date.parse(closedAt) + day - 1000)).toBe(0);
    expect(new BatchStore(dir).get('k1')?.state).toBe('done');
    expect(store.purge(86_400, Date.parse(closedAt) + day + 1000)).toBe(1);
    expect(new BatchStore(dir).get('k1')).toBeUndefined();
    store.close();
  });
});
