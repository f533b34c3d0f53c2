/**
 * Seeded SendGrid-style delivery event exports for benchmarks and tests: for each message a
 * processed row, then (by chance) deferrals, a delivery or a bounce, human and machine opens,
 * clicks, unsubscribes and spam reports — the mix a real export shows, in time order per message.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from './prng';

export interface DeliveryExportOptions {
  /** Rows to write (about; the last message may add a few). */
  rows: number;
  seed: number;
}

export async function writeSendgridExport(
  path: string,
  options: DeliveryExportOptions
): Promise<{ rows: number; messages: number; bytes: number }> {
  const rng = createRng(options.seed, 'delivery-export');
  const out = createWriteStream(path);
  let bytes = 0;
  let rows = 0;
  let messages = 0;
  let buffer =
    'email,timestamp,event,sg_event_id,sg_message_id,type,reason,url,useragent,sg_machine_open,category\n';
  const start = 1767261600;
  const flush = async () => {
    bytes += Buffer.byteLength(buffer);
    if (!out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  const row = (email: string, t: number, event: string, id: string, rest: string) => {
    rows++;
    buffer += `${email},${t},${event},ev${rows},${id}.filter0001.${rows % 97},${rest},spring\n`;
  };
  while (rows < options.rows) {
    const m = messages++;
    const email = `user${m}@example${m % 50}.com`;
    const id = `msg${m.toString(36)}`;
    let t = start + rng.int(3600);
    row(email, t, 'processed', id, ',,,,');
    if (rng.chance(0.03)) row(email, (t += 30), 'deferred', id, ',451 4.7.1 try later,,,');
    const fate = rng.next();
    if (fate < 0.02) {
      row(email, t + 5, 'bounce', id, 'bounce,550 5.1.1 user unknown,,,');
      continue;
    }
    if (fate < 0.03) {
      row(email, t + 5, 'bounce', id, 'blocked,550 5.7.1 blocked,,,');
      continue;
    }
    row(email, (t += 5), 'delivered', id, ',250 OK,,,');
    if (rng.chance(0.35))
      row(email, t + 2, 'open', id, ',,,Mozilla/5.0 (via ggpht.com GoogleImageProxy),true');
    const opens = rng.chance(0.3) ? rng.range(1, 3) : 0;
    for (let i = 0; i < opens; i++)
      row(email, (t += rng.int(86400)), 'open', id, ',,,Mozilla/5.0 (Windows NT 10.0),false');
    if (opens > 0 && rng.chance(0.3))
      row(
        email,
        (t += 60),
        'click',
        id,
        ',,https://example.com/offer,Mozilla/5.0 (Windows NT 10.0),'
      );
    if (rng.chance(0.005)) row(email, (t += 60), 'unsubscribe', id, ',,,,');
    if (rng.chance(0.001)) row(email, t + 60, 'spamreport', id, ',,,,');
    if (buffer.length > 1 << 20) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { rows, messages, bytes };
}
