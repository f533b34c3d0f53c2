/**
 * Test support for the engine: a fresh fake-indexeddb database per engine, a fixed clock, and
 * CSV text as named Blobs (what a File is to the engine).
 */
import 'fake-indexeddb/auto';
import { createEngine, type Engine } from '$lib/engine/engine';
import { openSliceDb, type SliceDb } from '$lib/db/slice-db';
import type { FieldSpec, FieldType } from '$lib/core/columns/types';
import type { ContactImportOptions, FieldProposal, FilePreview } from '$lib/engine/api';

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
