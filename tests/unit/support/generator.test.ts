import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import {
  CONTACT_COLUMNS,
  EVENT_COLUMNS,
  REFERENCE_MS,
  generateContacts,
  generateEvents,
  writeContactsCsv,
  writeEventsCsv,
  type GeneratorOptions
} from '../../support/generator';
import { createRng } from '../../support/prng';

const text = (chunks: Iterable<string>) => Array.from(chunks).join('');
const parse = (csv: string, delimiter: string) =>
  Papa.parse<string[]>(csv, { delimiter, skipEmptyLines: true }).data;

describe('createRng', () => {
  it('repeats a sequence for the same seed and stream, and differs otherwise', () => {
    const a = createRng(7, 'x');
    const b = createRng(7, 'x');
    const seqA = Array.from({ length: 50 }, () => a.next());
    expect(Array.from({ length: 50 }, () => b.next())).toEqual(seqA);
    const c = createRng(8, 'x');
    expect(Array.from({ length: 50 }, () => c.next())).not.toEqual(seqA);
    const d = createRng(7, 'y');
    expect(Array.from({ length: 50 }, () => d.next())).not.toEqual(seqA);
    for (const v of seqA) expect(v >= 0 && v < 1).toBe(true);
  });
});

describe('generateContacts', () => {
  const options: GeneratorOptions = { rows: 5000, seed: 11 };
  const csv = text(generateContacts(options));
  const rows = parse(csv, ',');

  it('is deterministic: same seed, same bytes; another seed, other bytes', () => {
    expect(text(generateContacts(options))).toBe(csv);
    expect(text(generateContacts({ ...options, seed: 12 }))).not.toBe(csv);
  });

  it('writes the 20-column header and exactly `rows` records of 20 cells', () => {
    expect(rows[0]).toEqual([...CONTACT_COLUMNS]);
    expect(rows[0]).toHaveLength(20);
    expect(rows).toHaveLength(5001);
    for (const r of rows) expect(r).toHaveLength(20);
    // Chunking does not change the text.
    expect(text(generateContacts({ ...options, chunkRows: 7 }))).toBe(csv);
  });

  it('gives unique, well-formed emails', () => {
    const emails = rows.slice(1).map((r) => r[0]);
    expect(new Set(emails).size).toBe(emails.length);
    for (const e of emails) expect(e).toMatch(/^[a-z0-9._-]+@[a-z0-9.-]+\.[a-z]{2,}$/);
    const tlds = new Set(emails.map((e) => e.slice(e.lastIndexOf('.'))));
    for (const tld of ['.fr', '.be', '.ch', '.com', '.org', '.net']) expect(tlds).toContain(tld);
  });

  it('carries accented and compound names, and realistic blanks', () => {
    const names = rows.slice(1).flatMap((r) => [r[1], r[2]]);
    for (const n of ['Élodie', 'François', 'Zoë', 'Müller', 'Nuñez']) expect(names).toContain(n);
    expect(names.some((n) => n.includes("'"))).toBe(true);
    const col = (name: string) => rows.slice(1).map((r) => r[rows[0].indexOf(name)]);
    for (const name of ['city', 'job', 'phone']) {
      const blanks = col(name).filter((v) => v === '').length;
      expect(blanks).toBeGreaterThan(0);
      expect(blanks).toBeLessThan(2500);
    }
    expect(new Set(col('civility'))).toEqual(new Set(['Mr', 'Mrs', 'Ms']));
    expect(new Set(col('newsletter'))).toEqual(new Set(['yes', 'no']));
    expect(new Set(col('won'))).toEqual(new Set(['true', 'false']));
    for (const b of col('birthdate').filter(Boolean)) expect(b).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    for (const d of col('participation_date')) expect(d).toMatch(/^\d{4}-\d\d-\d\d$/);
    for (const s of col('score')) expect(s).toMatch(/^\d+(\.\d)?$/);
    expect(col('last_page')).toContain('/offer-42');
  });

  it('writes European formats with `;` when asked', () => {
    const eu = parse(text(generateContacts({ ...options, delimiter: ';', european: true })), ';');
    expect(eu[0]).toEqual([...CONTACT_COLUMNS]);
    expect(eu).toHaveLength(5001);
    const col = (name: string) => eu.slice(1).map((r) => r[eu[0].indexOf(name)]);
    expect(new Set(col('newsletter'))).toEqual(new Set(['oui', 'non']));
    expect(col('score').some((s) => /^\d+,\d$/.test(s))).toBe(true);
    for (const d of col('participation_date')) expect(d).toMatch(/^\d\d\/\d\d\/\d{4}$/);
    for (const d of col('registered_at')) expect(d).toMatch(/^\d\d\/\d\d\/\d{4} \d\d:\d\d$/);
    // The same people, whatever the format.
    expect(col('email')).toEqual(rows.slice(1).map((r) => r[0]));
  });
});

describe('generateEvents', () => {
  const options: GeneratorOptions = { rows: 3000, seed: 5 };
  const csv = text(generateEvents(options));
  const events = parse(csv, ',');
  const contacts = parse(text(generateContacts(options)), ',');

  it('is deterministic', () => {
    expect(text(generateEvents(options))).toBe(csv);
  });

  it('has the header and about five events per contact, all for known contacts', () => {
    expect(events[0]).toEqual([...EVENT_COLUMNS]);
    const perContact = (events.length - 1) / 3000;
    expect(perContact).toBeGreaterThan(4);
    expect(perContact).toBeLessThan(6);
    const emails = new Set(contacts.slice(1).map((r) => r[0]));
    for (const e of events.slice(1)) {
      expect(e).toHaveLength(5);
      expect(emails.has(e[0])).toBe(true);
    }
  });

  it('covers behaviour and email activity types, with emailing ids as targets', () => {
    const types = new Set(events.slice(1).map((e) => e[1]));
    for (const t of [
      'participation',
      'page_view',
      'reward_won',
      'product_liked',
      'add_to_cart',
      'purchase',
      'received',
      'delivered',
      'opened',
      'clicked',
      'bounced',
      'unsubscribed'
    ]) {
      expect(types).toContain(t);
    }
    const opened = events.slice(1).filter((e) => e[1] === 'opened');
    for (const e of opened) expect(e[2]).toMatch(/^[a-z-]+-\d{4}(-\d\d)?$/);
    expect(opened.map((e) => e[2])).toContain('newsletter-2026-09');
    const views = events.slice(1).filter((e) => e[1] === 'page_view');
    expect(views.some((e) => /^\/offer-\d+$/.test(e[2]))).toBe(true);
    const purchases = events.slice(1).filter((e) => e[1] === 'purchase');
    for (const e of purchases) expect(e[4]).toMatch(/^\d+\.\d\d$/);
  });

  it('spreads ISO timestamps over the ~18 months before the reference date, sorted per contact', () => {
    const times = events.slice(1).map((e) => Date.parse(e[3]));
    for (const e of events.slice(1)) expect(e[3]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const day = 86_400_000;
    expect(Math.max(...times)).toBeLessThanOrEqual(REFERENCE_MS);
    expect(Math.min(...times)).toBeGreaterThan(REFERENCE_MS - 560 * day);
    expect(times.filter((t) => t > REFERENCE_MS - 30 * day).length).toBeGreaterThan(100);
    for (let i = 2; i < events.length; i++) {
      if (events[i][0] === events[i - 1][0])
        expect(times[i - 1]).toBeGreaterThanOrEqual(times[i - 2]);
    }
  });
});

describe('writeContactsCsv / writeEventsCsv', () => {
  it('stream the same bytes the generators yield', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'slice-gen-'));
    try {
      const options: GeneratorOptions = { rows: 1200, seed: 3, delimiter: ';', european: true };
      const c = await writeContactsCsv(join(dir, 'c.csv'), options);
      const e = await writeEventsCsv(join(dir, 'e.csv'), options);
      expect(readFileSync(join(dir, 'c.csv'), 'utf8')).toBe(text(generateContacts(options)));
      expect(readFileSync(join(dir, 'e.csv'), 'utf8')).toBe(text(generateEvents(options)));
      expect(c.lines).toBe(1200);
      expect(e.lines).toBe(parse(text(generateEvents(options)), ';').length - 1);
      expect(c.bytes).toBe(Buffer.byteLength(readFileSync(join(dir, 'c.csv'))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
