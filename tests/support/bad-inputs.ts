/**
 * The bad-input corpus (tests/fixtures/bad/): its manifest, and the files too big to commit,
 * made here at test time by the name the manifest gives them (`generated`).
 */
import { readFileSync } from 'node:fs';
import type { FieldSpec, FieldType } from '../../src/lib/core/columns/types';
import { join } from 'node:path';

export const CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'bad');

export type CorpusKind =
  | 'contacts'
  | 'events'
  | 'definition'
  | 'backup'
  | 'provider'
  | 'relay-capabilities'
  | 'relay-results'
  | 'relay-events';

export interface CorpusEntry {
  /** Path under tests/fixtures/bad/ (committed), or the name of a generated file. */
  file: string;
  /** Set for files made at test time (see GENERATORS). */
  generated?: string;
  kind: CorpusKind;
  /** What the file exercises. */
  exercises: string;
  /**
   * refused: nothing is stored, the message says why; rejected: the file is read, every row
   * is refused with its line and reason, nothing is stored; partial: the good rows import and
   * the others are refused with their line and reason; accepted: a valid but odd input
   * that must import (or evaluate) and round-trip exactly.
   */
  outcome: 'refused' | 'rejected' | 'partial' | 'accepted';
  /** Contacts files: the identity and the types chosen in the mapping (else the inferred ones). */
  import?: { identity?: string; types?: Record<string, FieldType | Omit<FieldSpec, 'name'>> };
  /** Substrings the message must hold (the line, field or condition it names). */
  message: string[];
}

export function readManifest(): CorpusEntry[] {
  const raw = JSON.parse(readFileSync(join(CORPUS_DIR, 'manifest.json'), 'utf8')) as {
    files: CorpusEntry[];
  };
  return raw.files;
}

const MB10 = 10 * 1024 * 1024;

/** The generated files, by name. */
export const GENERATORS: Record<string, () => Uint8Array> = {
  /** A contacts file whose second row holds a 10 MB note. */
  'contacts-10mb-cell': () =>
    new TextEncoder().encode(
      `email,first_name,note\na@example.org,Ann,short\nb@example.org,Bob,${'x'.repeat(MB10)}\n`
    ),
  /** A contacts file whose header holds one 10 MB (quoted) column name. */
  'contacts-10mb-header': () =>
    new TextEncoder().encode(`email,"${'n'.repeat(MB10)}"\na@example.org,1\n`),
  /** 10,000 columns, two rows. */
  'contacts-10000-columns': () => {
    const names = ['email', ...Array.from({ length: 9_999 }, (_, i) => `c${i + 1}`)];
    const row = (who: string) => [who, ...Array.from({ length: 9_999 }, (_, i) => String(i))];
    return new TextEncoder().encode(
      [names, row('a@example.org'), row('b@example.org')].map((r) => r.join(',')).join('\n') + '\n'
    );
  },
  /** An events file whose one event holds a 10 MB property. */
  'events-10mb-property': () =>
    new TextEncoder().encode(
      `contact,type,target,at,note\na@example.org,page_view,/home,2026-06-01T10:00:00Z,${'p'.repeat(MB10)}\n`
    ),
  /** Groups nested 1,000 deep. */
  'definition-depth-1000': () => {
    let node: unknown = { kind: 'attribute', field: 'city', rule: 'equals', value: 'Namur' };
    for (let i = 0; i < 1_000; i++) node = { kind: 'group', match: 'all', children: [node] };
    return new TextEncoder().encode(JSON.stringify({ version: 1, root: node }));
  },
  /** A definition nested 100,000 arrays deep (what a parser's recursion meets first). */
  'definition-depth-100000-arrays': () =>
    new TextEncoder().encode(`{"version":1,"root":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  /** A 10 MB value to compare with. */
  'definition-10mb-value': () =>
    new TextEncoder().encode(
      JSON.stringify({
        version: 1,
        root: {
          kind: 'group',
          match: 'all',
          children: [
            { kind: 'attribute', field: 'first_name', rule: 'contains', value: 'y'.repeat(MB10) }
          ]
        }
      })
    ),
  /** A group of 10,000 conditions. */
  'definition-10000-children': () =>
    new TextEncoder().encode(
      JSON.stringify({
        version: 1,
        root: {
          kind: 'group',
          match: 'any',
          children: Array.from({ length: 10_000 }, (_, i) => ({
            kind: 'attribute',
            field: 'age',
            rule: 'equals',
            value: i
          }))
        }
      })
    ),
  /** A SendGrid export with a 10 MB reason. */
  'provider-10mb-reason': () =>
    new TextEncoder().encode(
      'email,timestamp,event,sg_event_id,sg_message_id,type,reason\n' +
        `a@example.org,1767261600,bounce,e1,m1.filter1,bounce,${'r'.repeat(MB10)}\n`
    )
};

/** The bytes of a corpus entry, read or generated. */
export function corpusBytes(entry: CorpusEntry): Uint8Array {
  if (entry.generated) {
    const make = GENERATORS[entry.generated];
    if (!make) throw new Error(`no generator named ${entry.generated}`);
    return make();
  }
  return new Uint8Array(readFileSync(join(CORPUS_DIR, entry.file)));
}
