/**
 * relay-smtp-10k: 10,000 messages posted to the reference relay in batches of 500 (four
 * batches in flight, as a sending tab would) and forwarded over SMTP to a local smtp-server
 * through the relay's connection pool. Timed from the first post to the last answer; the
 * server must have received exactly 10,000 messages, one per recipient. Goal: ≥ 500 msg/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readConfig } from '../../../relay/config';
import { startRelay } from '../../../relay/server';
import { startSmtpSink } from '../../unit/relay/smtp-sink';
import { result, summarise } from '../lib/timing';
import type { Benchmark } from '../lib/types';

const TOTAL = 10_000;
const BATCH = 500;
const IN_FLIGHT = 4;

async function oneRun(run: number): Promise<number> {
  const sink = await startSmtpSink({ port: 8890 + run * 2 });
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const relay = await startRelay(
    readConfig({
      RELAY_PORT: String(8891 + run * 2),
      RELAY_TOKEN: 'bench',
      RELAY_DATA_DIR: dataDir,
      SMTP_URL: sink.url,
      RELAY_SMTP_MAX_CONNECTIONS: '8'
    }),
    { log: () => {} }
  );
  try {
    const batches = Array.from({ length: TOTAL / BATCH }, (_, b) => ({
      batchId: `bench-${b}`,
      emailingId: 'bench',
      messages: Array.from({ length: BATCH }, (_, i) => {
        const n = b * BATCH + i;
        return {
          messageId: `m${n}`,
          to: { email: `person${n}@example.org`, name: `Person ${n}` },
          from: { email: 'news@shop.example', name: 'Boutique Été' },
          subject: `Nouveautés de la semaine, Person ${n}`,
          html: `<p>Bonjour Person ${n},</p><p>${'Voici nos nouveautés. '.repeat(40)}</p>`,
          text: `Bonjour Person ${n},\n\n${'Voici nos nouveautés. '.repeat(40)}`
        };
      })
    }));
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < batches.length) {
          const b = next++;
          const res = await fetch(`${relay.url}/v1/batches`, {
            method: 'POST',
            headers: {
              authorization: 'Bearer bench',
              'content-type': 'application/json',
              'idempotency-key': `"bench:${b}"`
            },
            body: JSON.stringify(batches[b])
          });
          const json = (await res.json()) as { results: { status: string }[] };
          if (res.status !== 200 || json.results.some((r) => r.status !== 'accepted'))
            throw new Error(`batch ${b}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
        }
      })
    );
    const ms = performance.now() - t0;
    const recipients = new Set(sink.received.map((r) => r.to[0]));
    if (sink.received.length !== TOTAL || recipients.size !== TOTAL)
      throw new Error(
        `the SMTP server received ${sink.received.length} messages (${recipients.size} recipients), not ${TOTAL}`
      );
    return ms;
  } finally {
    await relay.close();
    await sink.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const benchmark: Benchmark = {
  name: 'relay-smtp-10k',
  kind: 'node',
  order: 80,
  async run(ctx) {
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      times.push(await oneRun(run));
      ctx.log(`run ${run + 1}: ${(TOTAL / (times[run] / 1000)).toFixed(0)} msg/s`);
    }
    const t = summarise(times);
    return result('relay-smtp-10k', TOTAL, t, {
      messages_per_s: Math.round(TOTAL / (t.median / 1000)),
      batch: BATCH,
      smtp_connections: 8
    });
  }
};
