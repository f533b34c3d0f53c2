/**
 * The command line on the refused files of the bad-input corpus: `slice inspect` (contacts and
 * events files), `slice segment` (definitions) and `slice report` (provider exports) exit
 * non-zero with a message that starts on one line naming the file and the problem, never a
 * stack trace. Each run is a real process (`node --import tsx bin/slice.ts`), four at a time.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CORPUS_DIR, readManifest, type CorpusEntry } from '../../support/bad-inputs';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'slice-cli-bad-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const CONTACTS = join(scratch, 'contacts.csv');
writeFileSync(
  CONTACTS,
  'email,first_name,city,age\na@example.org,Ann,Paris,40\nb@example.org,Bob,Lyon,22\n'
);

function slice(args: string[]): Promise<{ code: number | null; err: string; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/slice.ts', ...args], {
      cwd: ROOT
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => resolve({ code, err, out }));
  });
}

/** The command a person would run on this file. */
function commandFor(entry: CorpusEntry): { args: string[]; one: boolean } | null {
  const path = join(CORPUS_DIR, entry.file);
  if (entry.kind === 'contacts') return { args: ['inspect', path], one: true };
  if (entry.kind === 'events')
    return { args: ['inspect', path, '--kind', 'events', '--contacts', CONTACTS], one: true };
  if (entry.kind === 'provider') return { args: ['report', '--events', path], one: true };
  if (entry.kind === 'definition')
    return {
      args: [
        'segment',
        '--contacts',
        CONTACTS,
        '--definition',
        path,
        '--now',
        '2026-06-15T10:00:00Z'
      ],
      // Validation problems are listed one per line after the line naming the file.
      one: false
    };
  return null;
}

/**
 * One file per kind of refusal (a process costs a second or two on a shared machine; the
 * in-process test runs every file through the same readers).
 */
const PICKED = [
  'contacts/unterminated-quote.csv',
  'contacts/zip-archive.csv',
  'contacts/null-bytes.csv',
  'contacts/empty.csv',
  'contacts/duplicate-column.csv',
  'contacts/bogus-sep-line.csv',
  'events/truncated.csv',
  'definitions/truncated.json',
  'definitions/not-json.json',
  'definitions/count-1e309.json',
  'definitions/proto-keys.json',
  'provider/sendgrid-truncated.csv',
  'provider/unrecognised-header.csv'
];
const refused = readManifest().filter((e) => PICKED.includes(e.file));

/** Runs them all, `width` at a time (the machine is shared). */
async function runAll(width: number) {
  const results = new Map<string, Awaited<ReturnType<typeof slice>>>();
  const queue = [...refused];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let e = queue.shift(); e; e = queue.shift())
        results.set(e.file, await slice(commandFor(e)!.args));
    })
  );
  return results;
}

describe('the command line on refused inputs', () => {
  it('exits non-zero with a clear message for refused files of every kind', async () => {
    expect(refused.map((e) => e.file).sort()).toEqual([...PICKED].sort());
    expect(refused.every((e) => e.outcome === 'refused')).toBe(true);
    const results = await runAll(4);
    for (const entry of refused) {
      const r = results.get(entry.file)!;
      const lines = r.err.trim().split('\n');
      const context = `${entry.file}: ${r.err}`;
      expect(r.code, context).toBe(1);
      expect(r.out, context).toBe('');
      expect(lines[0], context).toMatch(/^(slice \w+: |error: )/);
      expect(lines[0], context).toContain(entry.file.split('/').pop());
      if (commandFor(entry)!.one) expect(lines, context).toHaveLength(1);
      expect(r.err, context).not.toMatch(
        /\n\s+at |\b(TypeError|RangeError|SyntaxError)\b|node:internal/
      );
      expect(r.err.replace(/'[^'\n]*'/g, "''"), context).not.toMatch(
        /\bundefined\b|\bNaN\b|\[object \w+\]/
      );
    }
  });
});
