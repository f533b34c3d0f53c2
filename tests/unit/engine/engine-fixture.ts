/**
 * Test support for the engine: a fresh fake-indexeddb database per engine, a fixed clock,
 * engines closed after each test, writes a test can watch or refuse, and CSV text as named
 * Blobs (what a File is to the engine).
 */
import 'fake-indexeddb/auto';
import type { DBCoreMutateRequest, DBCoreMutateResponse } from 'dexie';
import { afterEach } from 'vitest';
import { createEngine, type Engine } from '$lib/engine/engine';
import { openSliceDb, type SliceDb } from '$lib/db/slice-db';
import type { FieldSpec, FieldType } from '$lib/core/columns/types';
import type { Definition } from '$lib/core/segment/definition';
import type {
  ContactImportOptions,
  EventImportOptions,
  FieldProposal,
  FilePreview
} from '$lib/engine/api';

let n = 0;

export const NOW = Date.parse('2026-06-15T10:00:00.000Z');

export function freshDbName(): string {
  return `engine-test-${process.pid}-${Date.now()}-${n++}`;
}

export function makeEngine(
  name = freshDbName(),
  extra: Partial<Parameters<typeof createEngine>[0]> = {},
  prepare?: (db: SliceDb) => void
): {
  engine: Engine;
  db: SliceDb;
  name: string;
} {
  const db = openSliceDb(name);
  prepare?.(db);
  let t = NOW;
  // A clock that moves a millisecond per read keeps timestamps ordered and distinct.
  const engine = createEngine({ db, now: () => t++, ...extra });
  return { engine, db, name };
}

/**
 * Engines a test file opens, each closed after its test: call once at the top of the file.
 * `forget()` drops the ones a test closed itself (before reopening their database, as a new tab).
 */
export function trackEngines(): {
  setup: (name?: string, prepare?: (db: SliceDb) => void) => ReturnType<typeof makeEngine>;
  forget: () => void;
} {
  const open: Engine[] = [];
  afterEach(async () => {
    while (open.length) await open.pop()?.close();
  });
  return {
    setup(name, prepare) {
      const made = makeEngine(name, {}, prepare);
      open.push(made.engine);
      return made;
    },
    forget() {
      open.length = 0;
    }
  };
}

/**
 * A `prepare` for makeEngine that hands every write to one table to `mutate`, which may watch
 * or refuse it and otherwise passes it on with `write`.
 */
export function interceptWrites(
  middleware: string,
  tableName: string,
  mutate: (
    req: DBCoreMutateRequest,
    write: (req: DBCoreMutateRequest) => Promise<DBCoreMutateResponse>
  ) => Promise<DBCoreMutateResponse>
): (db: SliceDb) => void {
  return (db) =>
    db.use({
      stack: 'dbcore',
      name: middleware,
      create: (down) => ({
        ...down,
        table: (name) => {
          const table = down.table(name);
          if (name !== tableName) return table;
          return { ...table, mutate: (req) => mutate(req, (r) => table.mutate(r)) };
        }
      })
    });
}

export function csvFile(text: string, name = 'contacts.csv'): Blob & { name: string } {
  return Object.assign(new Blob([text], { type: 'text/csv' }), { name });
}

export function contactOptions(
  preview: FilePreview,
  overrides: Partial<ContactImportOptions> = {}
): ContactImportOptions {
  return {
    fields: preview.fields,
    identity: preview.suggestedIdentity ?? preview.fields[0].name,
    policy: 'update',
    encoding: preview.encoding,
    delimiter: preview.delimiter,
    ...overrides
  };
}

/** Field proposals as the mapping step would hand them over (types chosen explicitly). */
export function fields(
  specs: Record<string, FieldType | Omit<FieldSpec, 'name'>>
): FieldProposal[] {
  return Object.entries(specs).map(([name, spec]) => ({
    name,
    ...(typeof spec === 'string' ? { type: spec } : spec),
    include: true,
    samples: [],
    unreadable: 0
  }));
}

/** Imports CSV text with explicit fields (first one is the identity unless overridden). */
export async function importText(
  engine: Engine,
  campaignId: string,
  text: string,
  specs: Record<string, FieldType | Omit<FieldSpec, 'name'>>,
  overrides: Partial<ContactImportOptions> = {}
) {
  const file = csvFile(text);
  const proposals = fields(specs);
  return engine.importContacts(campaignId, file, {
    fields: proposals,
    identity: proposals[0].name,
    policy: 'update',
    encoding: 'utf-8',
    delimiter: text.split('\n')[0].includes(';') ? ';' : ',',
    ...overrides
  });
}

export const PEOPLE_FIELDS = {
  email: 'email',
  first_name: 'text',
  city: 'category',
  age: 'number',
  birth_date: { type: 'date', dateOrder: 'dmy' },
  newsletter: 'boolean'
} as const;

export const PEOPLE = [
  'email;first_name;city;age;birth_date;newsletter',
  'elodie@example.fr;Élodie;Liège;34;12/03/1992;oui',
  'marc@example.org;Marc;Bruxelles;51;01/07/1975;non',
  'ana@example.com;Ana;Namur;;24/12/2000;oui',
  'zoe@example.fr;Zoé;liege;27;;'
].join('\n');

/** Options for the events CSVs of these tests (contact, type, target, at, amount). */
export const EVENT_OPTIONS: EventImportOptions = {
  mapping: {
    contact: 'contact',
    type: 'type',
    target: 'target',
    at: 'at',
    properties: ['amount']
  },
  encoding: 'utf-8',
  delimiter: ','
};

/** The moment and zone the segment tests evaluate at. */
export const EVAL_OPTIONS = { now: '2026-06-15T10:00:00.000Z', timeZone: 'Europe/Brussels' };

/** A definition matching the contacts that meet all of `children`. */
export function all(...children: Definition['root']['children']): Definition {
  return { version: 1, root: { kind: 'group', match: 'all', children } };
}
