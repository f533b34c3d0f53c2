/**
 * The bad-input corpus (tests/fixtures/bad/manifest.json), each file through the path the app
 * (or the command line) reads it with, on a database holding a campaign with contacts, events
 * and a generated segment: the message must name the line, field or condition (never a stack
 * trace, `undefined`, `NaN` or `[object Object]`), and what is stored must be unchanged,
 * compared by decoding a backup of every campaign before and after. Valid but odd files must
 * import and round-trip exactly.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeWindows1252 } from '$lib/core/csv';
import { problemText } from '$lib/core/csv/problem-text';
import { definitionProblemsText, readDefinitionFile } from '$lib/core/segment/definition-file';
import { decodeBackup } from '$lib/engine/backup';
import type { Engine } from '$lib/engine/engine';
import { RelayClient } from '$lib/engine/relay-client';
import type { SliceDb } from '$lib/db/slice-db';
import type { Definition } from '$lib/core/segment/definition';
import { run as report } from '../../../bin/commands/report';
import { corpusBytes, readManifest, type CorpusEntry } from '../../support/bad-inputs';
import {
  all,
  csvFile,
  EVAL_OPTIONS,
  EVENT_OPTIONS,
  importText,
  PEOPLE,
  PEOPLE_FIELDS,
  trackEngines
} from './engine-fixture';

const { setup } = trackEngines();
const manifest = readManifest();

/** PEOPLE and the two contacts the corpus's events files name. */
const SEED = `${PEOPLE}\na@example.org;Ann;Paris;40;01/01/1986;oui\nb@example.org;Bob;Lyon;22;;non`;

interface Seeded {
  engine: Engine;
  db: SliceDb;
  /** Holds contacts (identity email), events and a generated segment. */
  target: string;
  /** An empty campaign, for files keyed by something other than an email. */
  empty: string;
}

async function seeded(): Promise<Seeded> {
  const { engine, db } = setup();
  const target = await engine.createCampaign('Target');
  expect(await importText(engine, target.id, SEED, PEOPLE_FIELDS)).toMatchObject({ ok: true });
  const events = await engine.importEvents(
    target.id,
    csvFile(
      'contact,type,target,at,amount\nelodie@example.fr,purchase,sku-1,2026-06-01T10:00:00Z,5\n' +
        'a@example.org,page_view,/home,2026-06-02T10:00:00Z,\n',
      'events.csv'
    ),
    EVENT_OPTIONS
  );
  expect(events).toMatchObject({ ok: true, added: 2 });
  const segment = await engine.saveSegment({
    campaignId: target.id,
    name: 'Liège',
    definition: all({ kind: 'attribute', field: 'city', rule: 'equals', value: 'Liège' })
  });
  expect(await engine.generate(segment.id, EVAL_OPTIONS)).toMatchObject({ ok: true, count: 2 });
  const empty = await engine.createCampaign('Empty');
  return { engine, db, target: target.id, empty: empty.id };
}

/**
 * What is stored, as a person could get it back: every campaign's backup decoded (its export
 * time left out), the chunk rows, and the import history (which a refused import may extend by
 * its own failed record, never change).
 */
async function stored({ engine, db }: Seeded) {
  const campaigns = await engine.listCampaigns();
  const backups = [];
  for (const c of campaigns) {
    const content = await decodeBackup(await engine.exportBackup(c.id));
    const { imports, reports, ...rest } = content;
    backups.push({ rest, imports, reports });
  }
  return {
    campaigns,
    data: backups.map((b) => b.rest),
    imports: backups.map((b) => b.imports),
    reports: backups.map((b) => b.reports),
    columnChunks: await db.columnChunks.count(),
    eventChunks: await db.eventChunks.count(),
    segments: await db.segments.count(),
    memberships: await db.memberships.count()
  };
}

function expectUnchanged(
  before: Awaited<ReturnType<typeof stored>>,
  after: Awaited<ReturnType<typeof stored>>
) {
  expect(after.campaigns).toEqual(before.campaigns);
  expect(after.data).toEqual(before.data);
  expect(after.columnChunks).toBe(before.columnChunks);
  expect(after.eventChunks).toBe(before.eventChunks);
  expect(after.segments).toBe(before.segments);
  expect(after.memberships).toBe(before.memberships);
  after.imports.forEach((list, i) => {
    // Records already there stay as they were; a new one may say this file was refused.
    for (const r of before.imports[i]) expect(list).toContainEqual(r);
    for (const r of list.filter((x) => !before.imports[i].some((b) => b.id === x.id)))
      expect(r.added + r.updated).toBe(0);
  });
}

/** A message a person can act on: no machinery showing through, bounded, names something. */
function expectClear(message: string, entry: CorpusEntry) {
  expect(message.trim(), 'a message').not.toBe('');
  // What a message quotes from the file ('NaN' as a cell) is the person's own text.
  const own = message.replace(/'[^'\n]*'/g, "''");
  expect(own).not.toMatch(/\bundefined\b|\bNaN\b|\[object \w+\]|(?<![-\w])null(?![-\w])/);
  expect(own).not.toMatch(
    /\n\s+at .+:\d+:\d+|\b(TypeError|RangeError|SyntaxError|ReferenceError)\b/
  );
  expect(message.length, 'a message of reasonable length').toBeLessThan(2_000);
  for (const part of entry.message) expect(message).toContain(part);
}

function blobOf(entry: CorpusEntry): Blob & { name: string } {
  const name = entry.file.split('/').pop() as string;
  return Object.assign(new Blob([corpusBytes(entry) as BlobPart]), { name });
}

async function rejectedText(engine: Engine, importId: string): Promise<string> {
  const { rows, total } = await engine.rejectedRows(importId, { offset: 0, limit: 20 });
  expect(rows.length).toBeGreaterThan(0);
  return [
    `${total} rows rejected`,
    ...rows.map((r) => `line ${r.line}${r.column ? `, ${r.column}` : ''}: ${r.reason}`)
  ].join('\n');
}

/** The cells of a CSV as an independent reader sees them (papaparse, not the importer). */
function cellsOf(bytes: Uint8Array, encoding: string, delimiter: string): string[][] {
  let text =
    encoding === 'windows-1252'
      ? decodeWindows1252(bytes)
      : new TextDecoder(encoding, { ignoreBOM: false }).decode(bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parsed = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true });
  return parsed.data;
}

async function runContacts(s: Seeded, entry: CorpusEntry): Promise<string> {
  const { engine } = s;
  const file = blobOf(entry);
  const preview = await engine.previewFile(file, 'contacts');
  if (preview.problem) {
    expect(entry.outcome).toBe('refused');
    return problemText(preview.problem);
  }
  const identity = entry.import?.identity ?? preview.suggestedIdentity ?? preview.fields[0].name;
  // Files keyed by email go into the seeded campaign, others into the empty one; those that
  // import (odd but valid, partly rejected) into a new one.
  const campaign =
    entry.outcome === 'accepted' || entry.outcome === 'partial'
      ? (await engine.createCampaign(`For ${file.name}`)).id
      : identity === 'email'
        ? s.target
        : s.empty;
  const types = entry.import?.types ?? {};
  const fields = preview.fields.map((f) => {
    const chosen = types[f.name];
    if (chosen) return { ...f, ...(typeof chosen === 'string' ? { type: chosen } : chosen) };
    // Odd values must come back exactly as written: stored as text, not read as types.
    if (entry.outcome === 'accepted' && f.name !== identity) return { ...f, type: 'text' as const };
    return f;
  });
  const outcome = await engine.importContacts(campaign, file, {
    fields,
    identity,
    policy: 'update',
    encoding: preview.encoding,
    delimiter: preview.delimiter
  });
  if (!outcome.ok) {
    expect(entry.outcome).toBe('refused');
    return outcome.message;
  }
  if (entry.outcome === 'rejected') {
    expect(outcome).toMatchObject({ added: 0, updated: 0 });
    return rejectedText(engine, outcome.importId);
  }
  if (entry.outcome === 'partial') {
    expect(outcome.added).toBeGreaterThan(0);
    expect(outcome.rejected).toBeGreaterThan(0);
    expect((await engine.getCampaign(campaign))?.contactCount).toBe(outcome.added);
    return rejectedText(engine, outcome.importId);
  }
  expect(entry.outcome, `imported ${outcome.added}, rejected ${outcome.rejected}`).toBe('accepted');
  expect(outcome.rejected).toBe(0);
  const [header, ...rows] = cellsOf(corpusBytes(entry), preview.encoding, preview.delimiter);
  const summary = await engine.getCampaign(campaign);
  const names = summary!.fields.map((f) => f.name);
  expect(names).toEqual(header.map((h) => h.trim()));
  const expected = rows.map((r) => r.map((cell) => cell.trim()));
  const shown = await engine.queryContacts(campaign, { offset: 0, limit: 1000 });
  const asText = (page: typeof shown) =>
    page.rows.map((r, i) =>
      r.map((v, j) => (summary!.fields[j].type === 'email' ? expected[i][j] : String(v ?? '')))
    );
  expect(asText(shown)).toEqual(expected);
  // And through a backup: restored as a new campaign, the same values.
  const restored = await engine.importBackup(await engine.exportBackup(campaign));
  expect(asText(await engine.queryContacts(restored.id, { offset: 0, limit: 1000 }))).toEqual(
    expected
  );
  return '';
}

async function runEvents(s: Seeded, entry: CorpusEntry): Promise<string> {
  const { engine } = s;
  const file = blobOf(entry);
  const preview = await engine.previewFile(file, 'events');
  if (preview.problem) {
    expect(entry.outcome).toBe('refused');
    return problemText(preview.problem);
  }
  const mapping = preview.suggestedMapping ?? EVENT_OPTIONS.mapping;
  const properties = preview.headers.filter(
    (h) => ![mapping.contact, mapping.type, mapping.target, mapping.at].includes(h)
  );
  const outcome = await engine.importEvents(s.target, file, {
    mapping: { ...mapping, properties },
    encoding: preview.encoding,
    delimiter: preview.delimiter
  });
  if (!outcome.ok) {
    expect(entry.outcome).toBe('refused');
    return outcome.message;
  }
  if (entry.outcome === 'rejected') {
    expect(outcome.added).toBe(0);
    return rejectedText(engine, outcome.importId);
  }
  expect(entry.outcome, `added ${outcome.added}, rejected ${outcome.rejected}`).toBe('accepted');
  expect(outcome.rejected).toBe(0);
  const [header, ...rows] = cellsOf(corpusBytes(entry), preview.encoding, preview.delimiter);
  const people = await engine.queryContacts(s.target, { offset: 0, limit: 100 });
  const emailAt = (await engine.getCampaign(s.target))!.fields.findIndex((f) => f.name === 'email');
  for (const row of rows) {
    const cell = (name: string) => row[header.indexOf(name)].trim();
    const id = people.ids[people.rows.findIndex((r) => r[emailAt] === cell(mapping.contact))];
    const detail = await engine.getContact(s.target, id);
    const props = Object.fromEntries(properties.map((p) => [p, cell(p)]));
    expect(detail!.events).toContainEqual({
      type: cell(mapping.type),
      target: mapping.target ? cell(mapping.target) : '',
      at: new Date(cell(mapping.at)).toISOString(),
      properties: props
    });
  }
  return '';
}

async function runDefinition(s: Seeded, entry: CorpusEntry): Promise<string> {
  const { engine } = s;
  const name = entry.file.split('/').pop() as string;
  const read = readDefinitionFile(corpusBytes(entry), name);
  if (!read.ok) {
    expect(entry.outcome).toBe('refused');
    return read.message;
  }
  const errors = await engine.validate(s.target, read.value);
  const save = engine.saveSegment({
    campaignId: s.target,
    name: `From ${name}`,
    definition: read.value as Definition
  });
  if (errors.length > 0) {
    expect(entry.outcome).toBe('refused');
    for (const e of errors) expectClear(e.message, { ...entry, message: [] });
    // Saving it is refused with the same problems, and stores nothing.
    const refusal = await save.then(
      () => 'saved',
      (e: Error) => e.message
    );
    expect(refusal).toContain(definitionProblemsText(errors));
    return `${name}: ${definitionProblemsText(errors)}`;
  }
  expect(entry.outcome).toBe('accepted');
  // A definition that validates always evaluates: counted, generated and stored.
  const saved = await save;
  const counted = await engine.count(s.target, read.value, EVAL_OPTIONS);
  expect(counted.ok).toBe(true);
  const generated = await engine.generate(saved.id, EVAL_OPTIONS);
  expect(generated).toMatchObject({ ok: true, count: counted.ok ? counted.count : -1 });
  return '';
}

async function runBackup(s: Seeded, entry: CorpusEntry): Promise<string> {
  const refusal = await s.engine.importBackup(blobOf(entry)).then(
    (c) => `restored as ${c.name}`,
    (e: Error) => e.message
  );
  expect(entry.outcome).toBe('refused');
  return refusal;
}

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'slice-bad-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The command line's `report`, in-process, capturing what it prints on stderr. */
async function runProvider(entry: CorpusEntry): Promise<string> {
  const path = join(scratch, entry.file.replace(/\//g, '-'));
  writeFileSync(path, corpusBytes(entry));
  const errors: string[] = [];
  const err = vi.spyOn(console, 'error').mockImplementation((m: unknown) => {
    errors.push(String(m));
  });
  const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
  let code: number;
  try {
    code = await report(['--events', path, '--format', 'json', '--tz', 'Europe/Brussels']);
  } finally {
    err.mockRestore();
    log.mockRestore();
  }
  const message = errors.join('\n').replaceAll(path, entry.file);
  if (entry.outcome === 'refused') expect(code, message).toBe(1);
  else expect(code, message).toBe(0);
  if (entry.outcome === 'accepted') expect(message).toBe('');
  return message;
}

/**
 * The app's own import of a provider export (Delivery tab) on the seeded campaign: refused
 * files store nothing and say why; rows it cannot read are counted, never stored.
 */
async function runProviderInApp(s: Seeded, entry: CorpusEntry): Promise<void> {
  const { engine } = s;
  const file = blobOf(entry);
  const before = await stored(s);
  const preview = await engine.previewDelivery(file);
  if (preview.problem) {
    expect(entry.outcome, problemText(preview.problem)).toBe('refused');
    expectClear(problemText(preview.problem), { ...entry, message: [] });
    expectUnchanged(before, await stored(s));
    return;
  }
  const outcome = await engine.importDelivery(s.target, file, {
    encoding: preview.encoding,
    delimiter: preview.delimiter,
    ...(preview.preset ? { preset: preview.preset } : {})
  });
  if (!outcome.ok) {
    expect(entry.outcome, outcome.message).toBe('refused');
    expectClear(outcome.message, { ...entry, message: [] });
    expectUnchanged(before, await stored(s));
    return;
  }
  if (entry.outcome === 'rejected') {
    expect(outcome.added).toBe(0);
    expect(outcome.unreadable + Object.keys(outcome.unknownTypes).length).toBeGreaterThan(0);
    expect((await stored(s)).data).toEqual(before.data);
    return;
  }
  expect(entry.outcome).toBe('accepted');
  expect(outcome.unreadable).toBe(0);
  expect(outcome.added).toBeGreaterThan(0);
}

/** A relay answering every request with the entry's body (status 200, JSON). */
let relay: Server;
let relayBody: Uint8Array = new Uint8Array();
let relayUrl = '';
beforeAll(async () => {
  relay = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(relayBody);
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  relayUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => relay.close(() => resolve())));

async function runRelay(entry: CorpusEntry): Promise<string> {
  relayBody = corpusBytes(entry);
  const client = new RelayClient(fetch, ['http://127.0.0.1:*'], 5_000);
  const target = { url: relayUrl, token: 't' };
  if (entry.kind === 'relay-capabilities') {
    const outcome = await client.capabilities(target);
    if (outcome.ok) {
      expect(entry.outcome).toBe('accepted');
      return '';
    }
    expect(outcome.problem).toBe('protocol');
    return outcome.message;
  }
  if (entry.kind === 'relay-results') {
    const { outcome, results } = await client.postBatch(target, '"em1:1"', '{}');
    if (results) {
      expect(entry.outcome).toBe('accepted');
      return '';
    }
    // An answer that cannot be read is an unknown outcome: re-posted with the same key.
    expect(outcome).toMatchObject({ kind: 'http', status: 502 });
    return outcome.kind === 'http' ? (outcome.message ?? '') : '';
  }
  const read = await client.events(target, null).then(
    (r) => r,
    (e: Error) => e.message
  );
  if (typeof read === 'string') {
    expect(entry.outcome).toBe('refused');
    return read;
  }
  expect(entry.outcome).toBe('rejected');
  return read.problems.join('\n');
}

describe('the bad-input corpus', () => {
  it('has at least 40 files, each described with its expected message', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(40);
    for (const e of manifest) {
      expect(e.exercises, e.file).not.toBe('');
      if (e.outcome !== 'accepted') expect(e.message.length, e.file).toBeGreaterThan(0);
    }
  });

  for (const entry of manifest) {
    it(`${entry.file}: ${entry.exercises}`, async () => {
      const s = await seeded();
      const before = await stored(s);
      let message: string;
      if (entry.kind === 'contacts') message = await runContacts(s, entry);
      else if (entry.kind === 'events') message = await runEvents(s, entry);
      else if (entry.kind === 'definition') message = await runDefinition(s, entry);
      else if (entry.kind === 'backup') message = await runBackup(s, entry);
      else if (entry.kind === 'provider') {
        message = await runProvider(entry);
        await runProviderInApp(s, entry);
      } else message = await runRelay(entry);
      if (process.env.SLICE_SHOW_MESSAGES) console.log(`${entry.file}\n  ${message}`);
      if (entry.outcome === 'accepted') {
        expect(message).toBe('');
        return;
      }
      expectClear(message, entry);
      // Partial imports store their good rows in a campaign of their own, by design.
      if (entry.outcome === 'partial') return;
      expectUnchanged(before, await stored(s));
    });
  }
});
