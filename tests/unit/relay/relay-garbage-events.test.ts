/**
 * The sender reading a relay whose events page holds nothing but entries that are not events
 * (null, a number, an object without a message id): they are skipped and the cursor moves past
 * them, so the suppression feed is not stuck on that page for ever; the next page is read.
 */
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { Engine } from '$lib/engine/engine';
import { freshDbName, makeEngine } from '../engine/engine-fixture';

let server: Server | null = null;
const open: Engine[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

describe('a relay answering garbage events', () => {
  it('skips the entries that are not events and moves the cursor past them', async () => {
    const asked: (string | null)[] = [];
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/v1/capabilities')
        return res.end(JSON.stringify({ maxBatch: 10, events: true, scheduling: false }));
      if (url.pathname === '/v1/events') {
        const after = url.searchParams.get('after');
        asked.push(after);
        if (after === null)
          return res.end(
            '{"events":[null,42,"x",{"eventId":"e1"},{"eventId":"e2","messageId":7}],"next":"c1"}'
          );
        return res.end(JSON.stringify({ events: [], next: after }));
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    const { engine, db } = makeEngine(freshDbName(), {
      relayOrigins: ['http://127.0.0.1:*'],
      sender: { eventsEveryMs: 0 }
    });
    open.push(engine);
    await engine.saveRelaySettings({
      url,
      token: 't',
      batchSize: 10,
      perSecond: null,
      perHour: null,
      perDay: null,
      confirmOverdue: false
    });
    await engine.startSender();
    for (let i = 0; i < 200 && !asked.includes('c1'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(asked.slice(0, 2)).toEqual([null, 'c1']);
    expect((await db.relayCursors.get(url))?.cursor).toBe('c1');
  });
});
