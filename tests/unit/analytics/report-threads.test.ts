/**
 * `slice report` on two cores reads exactly what one reading reads: an export cut at a line
 * end, the second part read by a worker thread and merged, gives the same figures (JSON),
 * messages, timeline, repeats and rejected rows (with their lines in the file) — wherever the
 * cut falls: inside a message's events, between an event and its repeat, between a soft
 * bounce and the delivery. A cut inside a quoted cell that spans lines, or a problem that
 * stops the file, is left to the single reading (null), which names the line.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openFile } from '../../../bin/open-file';
import { readReportInParallel } from '../../../bin/report-threads';
import { zonedParser } from '../../../bin/zoned-parser';
import {
  readDeliveryExport,
  type DeliveryExportResult
} from '../../../src/lib/core/analytics/index';
import { readBlobText } from '../../../src/lib/core/csv/index';
import { writeSendgridExport } from '../../support/delivery-export';

const HEADER =
  'email,timestamp,event,sg_event_id,sg_message_id,type,reason,url,useragent,sg_machine_open,category';

const options = { delimiter: ',' as const, timeZone: 'Europe/Paris' };

/** Everything `slice report` prints, text and JSON, from one reading. */
function printed(r: DeliveryExportResult) {
  return {
    figures: JSON.stringify(r.report.figures()),
    messages: r.report.messages,
    dropped: r.report.dropped(),
    repeated: r.report.repeated,
    events: r.report.events,
    rows: r.rows,
    days: r.days,
    problems: r.problems,
    problemCount: r.problemCount,
    unknownTypes: r.unknownTypes,
    otherEmailings: r.otherEmailings
  };
}

async function single(path: string, emailing?: string): Promise<DeliveryExportResult> {
  const blob = await openFile(path);
  const r = await readDeliveryExport(readBlobText(blob, 'utf-8', 0), {
    ...options,
    emailing,
    parseTime: zonedParser(options.timeZone)
  });
  if ('problem' in r) throw new Error(r.problem.message);
  return r;
}

async function parallel(
  path: string,
  cutNear: number,
  emailing?: string
): Promise<DeliveryExportResult | null> {
  const blob = await openFile(path);
  return readReportInParallel(path, blob, { encoding: 'utf-8', hasBom: false }, 0, {
    ...options,
    emailing,
    minBytes: 0,
    cutNear
  });
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slice-report-threads-'));
});

/** Byte offset of the start of the line holding `marker` (the cut lands at that line's end). */
function lineOf(text: string, marker: string): number {
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker}`);
  return Buffer.byteLength(text.slice(0, text.lastIndexOf('\n', at) + 1));
}

// Each case names the row after which the file is cut (the cut is the line end after it).
const rows = [
  HEADER,
  // m1: handed over and soft-bounced before the cut, delivered after it.
  'a@x.org,1767261600,processed,e1,m1.filter1,,,,,,spring',
  'a@x.org,1767261610,bounce,e2,m1.filter1,blocked,"421 try later, please",,,,spring',
  // m2: a person's open before the cut, the same event (same id) repeated after it.
  'b@x.org,1767261600,processed,e3,m2.filter1,,,,,,spring',
  'b@x.org,1767261605,delivered,e4,m2.filter1,,250 OK,,,,spring',
  'b@x.org,1767348000,open,e5,m2.filter1,,,,"Mozilla/5.0 (Windows NT 10.0; ""x64"")",false,spring',
  // A quoted cell over two lines, before the cut.
  'c@x.org,1767261600,processed,e6,m3.filter1,,"a reason\nover two lines",,,,spring',
  'CUT-A,1767261600,processed,e7,m4.filter1,,,,,,spring',
  // After the cut: m1's delivery, m2's repeated open, m3's second handed-over row and delivery.
  'a@x.org,1767261700,delivered,e8,m1.filter1,,250 OK,,,,spring',
  'b@x.org,1767348000,open,e5,m2.filter1,,,,"Mozilla/5.0 (Windows NT 10.0; ""x64"")",false,spring',
  'c@x.org,1767261601,processed,e9,m3.filter1,,,,,,spring',
  'c@x.org,1767261620,delivered,e10,m3.filter1,,250 OK,,,,spring',
  // m5 exists only through an open whose id was counted before the cut (m2's): no message.
  'e@x.org,1767348000,open,e5,m5.filter1,,,,Mozilla/5.0,false,spring',
  // A machine open, a click and a hard bounce after delivery, a quoted newline after the cut.
  'b@x.org,1767350000,open,e11,m2.filter1,,,,Mozilla/5.0 (via ggpht.com GoogleImageProxy),true,spring',
  'b@x.org,1767350060,click,e12,m2.filter1,,,https://example.com/a,"two\nlines",false,spring',
  'CUT-B,1767261610,delivered,e13,m4.filter1,,250 OK,,,,spring',
  'CUT-B,1767440000,bounce,e14,m4.filter1,bounce,550 gone,,,,spring',
  // Rows not counted: their lines must be the file's.
  'f@x.org,yesterday,open,e15,m6.filter1,,,,,,spring',
  'f@x.org,1767261600,teleported,e16,m6.filter1,,,,,,spring',
  'g@x.org,1767261600,processed,e17,m7.filter1,,,,,,autumn',
  // A message without a provider id, keyed by recipient and emailing, on both sides of a cut.
  'h@x.org,1767261600,processed,e18,,,,,,,spring',
  'h@x.org,1767261700,delivered,e19,,,,,,,spring'
];
const handmade = rows.join('\n') + '\n';

describe('readReportInParallel', () => {
  it('gives the single reading’s figures, timeline and rejected lines wherever the cut falls', async () => {
    const path = join(dir, 'handmade.csv');
    await writeFile(path, handmade);
    const expected = printed(await single(path));
    // The case is what it claims: the repeat counted once, m5 not a message, two bad rows.
    expect(expected.repeated).toBe(2);
    expect(expected.messages).toBe(7);
    expect(expected.problems.map((p) => p.line)).toEqual([20, 21]);
    // m1's soft bounce is beaten by its delivery after the cut; m4 to CUT-B bounced hard after
    // its delivery; m2's open counts once.
    expect(JSON.parse(expected.figures)).toMatchObject({
      sent: 7,
      delivered: 4,
      bounced_hard: 1,
      bounced_soft: 0,
      opened_unique: 1,
      opened_total: 1,
      clicked_unique: 1
    });
    // The timeline counts handed-over rows (m3 has two), and a day only a hard bounce fell on.
    expect(expected.days.map((d) => [d.sent, d.delivered, d.opened, d.openedMachine])).toEqual([
      [7, 5, 0, 0],
      [0, 0, 1, 1],
      [0, 0, 0, 0]
    ]);
    // Every line end but those inside the two quoted cells is a cut.
    const cuts: number[] = [];
    for (let i = handmade.indexOf('\n'); i !== -1; i = handmade.indexOf('\n', i + 1)) {
      cuts.push(Buffer.byteLength(handmade.slice(0, i)));
    }
    let merged = 0;
    for (const cut of cuts) {
      const r = await parallel(path, cut);
      if (r === null) continue;
      merged++;
      expect(printed(r), `cut at byte ${cut}`).toEqual(expected);
    }
    // All but the two lines inside quoted cells and the last one (nothing after it).
    expect(merged).toBe(cuts.length - 3);
    expect(await parallel(path, lineOf(handmade, 'CUT-A'))).not.toBeNull();
  }, 60_000);

  it('leaves a cut inside a quoted cell over lines, and a cell never closed, to the single reading', async () => {
    const path = join(dir, 'handmade.csv');
    await writeFile(path, handmade);
    // The line end inside "a reason\nover two lines".
    const inside = Buffer.byteLength(handmade.slice(0, handmade.indexOf('a reason')));
    expect(await parallel(path, inside)).toBeNull();
    // A quote never closed after the cut: one reading names its line (25).
    const broken = join(dir, 'broken.csv');
    await writeFile(broken, handmade + 'z@x.org,1767261600,processed,e30,m9.filter1,,"open\n');
    expect(await parallel(broken, lineOf(handmade, 'CUT-A'))).toBeNull();
    const blob = await openFile(broken);
    const r = await readDeliveryExport(readBlobText(blob, 'utf-8', 0), {
      ...options,
      parseTime: zonedParser(options.timeZone)
    });
    expect(r).toEqual({ problem: { line: 25, message: expect.stringContaining('never closed') } });
  });

  it('keeps the emailing filter’s counts', async () => {
    const path = join(dir, 'handmade.csv');
    await writeFile(path, handmade);
    const expected = printed(await single(path, 'autumn'));
    expect(expected.otherEmailings).toBeGreaterThan(0);
    const r = await parallel(path, lineOf(handmade, 'CUT-B'), 'autumn');
    expect(r && printed(r)).toEqual(expected);
  });

  it('reads a generated SendGrid export exactly, cut at any of six places', async () => {
    const path = join(dir, 'sendgrid.csv');
    const w = await writeSendgridExport(path, { rows: 20_000, seed: 11 });
    // Events repeated far from their first copy, on both sides of every cut.
    const { readFile, appendFile } = await import('node:fs/promises');
    const text = await readFile(path, 'utf8');
    const opens = text.split('\n').filter((l) => l.includes(',open,'));
    await appendFile(path, opens.filter((_, i) => i % 7 === 0).join('\n') + '\n');
    const expected = printed(await single(path));
    expect(expected.repeated).toBeGreaterThan(100);
    const size = w.bytes + Buffer.byteLength(opens.filter((_, i) => i % 7 === 0).join('\n') + '\n');
    for (let k = 1; k <= 6; k++) {
      const r = await parallel(path, Math.floor((size * k) / 7));
      expect(r, `cut ${k}/7`).not.toBeNull();
      expect(printed(r as DeliveryExportResult), `cut ${k}/7`).toEqual(expected);
    }
  }, 60_000);
});
