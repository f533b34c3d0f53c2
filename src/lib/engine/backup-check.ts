/**
 * Checks a backup before it is trusted: a restore creates nothing until the whole file has been
 * read and every part found consistent. A damaged or truncated file, or one edited by hand, is
 * refused with a message that says what is wrong, never restored half-way or into a campaign
 * that would crash the engine later (a code past its dictionary, offsets going backwards).
 */
import { FIELD_TYPES, STRING_FIELD_TYPES, type FieldType } from '$lib/core/columns/types';
import { popcount } from '$lib/core/columns/bitset';
import { deliveryColumnsProblem } from '$lib/db/delivery-chunks';
import type { BackupContent } from './backup';

export class BackupCheckError extends Error {}

function fail(message: string): never {
  throw new BackupCheckError(`This Slice backup is damaged: ${message}. Nothing was restored.`);
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

function stringArray(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    fail(`${what} is not a list of texts`);
  return v as string[];
}

/** The column kind a field type is stored as. */
function kindOf(type: FieldType): 'string' | 'number' | 'boolean' {
  if (STRING_FIELD_TYPES.includes(type)) return 'string';
  return type === 'boolean' ? 'boolean' : 'number';
}

/** Every code of `codes` names an entry of a dictionary of `size` entries. */
function codesWithin(codes: ArrayLike<number>, size: number, what: string): void {
  for (let i = 0; i < codes.length; i++) {
    if (codes[i] >= size)
      fail(`${what} ${i + 1} refers to entry ${codes[i]} of a dictionary of ${size}`);
  }
}

function checkContacts(content: BackupContent): number {
  const c = content.contacts;
  if (c === null) return 0;
  if (!isCount(c.rowCount)) fail('the contact count is not a whole number');
  if (!Array.isArray(c.fields) || c.fields.length === 0) fail('the contacts have no fields');
  const names = new Set<string>();
  for (const f of c.fields) {
    if (!isObject(f) || typeof f.name !== 'string' || f.name === '') fail('a field has no name');
    if (!FIELD_TYPES.includes(f.type))
      fail(`field "${f.name}" has an unknown type "${String(f.type)}"`);
    if (names.has(f.name)) fail(`field "${f.name}" appears twice`);
    names.add(f.name);
    const column = Object.hasOwn(c.columns, f.name) ? c.columns[f.name] : undefined;
    if (!column) fail(`field "${f.name}" has no column`);
    if (column.kind !== kindOf(f.type)) {
      fail(`field "${f.name}" is ${f.type} but its column holds ${column.kind} values`);
    }
    if (column.kind === 'string') {
      const dict = stringArray(column.dict, `the dictionary of field "${f.name}"`);
      if (dict[0] !== '')
        fail(`the dictionary of field "${f.name}" does not start with the empty value`);
      if (column.codes.length !== c.rowCount)
        fail(`field "${f.name}" does not have one value per contact`);
      codesWithin(column.codes, dict.length, `the value of field "${f.name}" on contact`);
    } else {
      if (column.values.length !== c.rowCount)
        fail(`field "${f.name}" does not have one value per contact`);
      if (column.kind === 'boolean')
        codesWithin(column.values, 3, `the yes/no value of field "${f.name}" on contact`);
    }
  }
  if (!names.has(c.identity)) fail(`the identity field "${c.identity}" is not one of the fields`);
  return c.rowCount;
}

function checkEvents(content: BackupContent, rowCount: number): void {
  const e = content.events;
  if (e === null) return;
  if (content.contacts === null) fail('it holds events but no contacts');
  if (!isCount(e.count)) fail('the event count is not a whole number');
  const types = stringArray(e.types, 'the event types');
  const targets = stringArray(e.targets, 'the event targets');
  const props = stringArray(e.props, 'the event properties');
  if (e.offsets.length !== rowCount + 1) fail('the events do not have one offset per contact');
  if (e.offsets[0] !== 0) fail('the first contact’s events do not start at the beginning');
  for (let r = 0; r < rowCount; r++) {
    const from = e.offsets[r];
    const to = e.offsets[r + 1];
    if (to < from) fail(`the event offsets go backwards at contact ${r + 1}`);
    for (let i = from + 1; i < to; i++) {
      // NaN never compares: an unreadable time is as wrong as an unsorted one.
      if (!(e.at[i] >= e.at[i - 1])) fail(`the events of contact ${r + 1} are not in time order`);
    }
  }
  if (e.offsets[rowCount] !== e.count) fail('the event offsets do not end at the event count');
  for (const [array, name] of [
    [e.type, 'type'],
    [e.target, 'target'],
    [e.at, 'time'],
    [e.propCodes, 'properties']
  ] as const) {
    if (array.length !== e.count) fail(`the event ${name}s do not have one value per event`);
  }
  for (let i = 0; i < e.count; i++)
    if (!Number.isFinite(e.at[i])) fail(`event ${i + 1} has no time`);
  codesWithin(e.type, types.length, 'the type of event');
  codesWithin(e.target, targets.length, 'the target of event');
  codesWithin(e.propCodes, props.length, 'the properties of event');
  if (e.eventIds !== undefined || e.eventIdCodes !== undefined) {
    const ids = stringArray(e.eventIds, 'the event ids');
    if (!e.eventIdCodes || e.eventIdCodes.length !== e.count) {
      fail('the event ids do not have one value per event');
    }
    codesWithin(e.eventIdCodes, ids.length, 'the id of event');
  }
}

function checkSegments(content: BackupContent, rowCount: number): void {
  const ids = new Set<string>();
  for (const s of content.segments) {
    if (!isObject(s) || typeof s.id !== 'string' || typeof s.name !== 'string') {
      fail('a segment has no id or name');
    }
    if (!['dynamic', 'manual', 'list'].includes(s.kind))
      fail(`segment "${s.name}" has an unknown kind`);
    if (ids.has(s.id)) fail(`segment "${s.name}" appears twice`);
    if (
      s.sizeHistory !== undefined &&
      (!Array.isArray(s.sizeHistory) ||
        s.sizeHistory.some(
          (p) => !isObject(p) || typeof p.at !== 'string' || !Number.isInteger(p.size) || p.size < 0
        ))
    ) {
      fail(`the size history of segment "${s.name}" is not a list of times and sizes`);
    }
    ids.add(s.id);
  }
  const words = Math.ceil(rowCount / 32);
  for (const m of content.memberships) {
    const name = content.segments.find((s) => s.id === m.segmentId)?.name;
    if (name === undefined) fail('it holds the members of a segment it does not have');
    if (m.rowCount !== rowCount || m.bits.length !== words) {
      fail(`the members of segment "${name}" do not match its contacts`);
    }
    if (popcount(m.bits) !== m.count)
      fail(`segment "${name}" does not hold the member count it says`);
  }
}

function checkDelivery(content: BackupContent, rowCount: number): void {
  for (const c of content.bounceClasses) {
    if (
      !isObject(c) ||
      typeof c.reason !== 'string' ||
      (c.bounce !== 'hard' && c.bounce !== 'soft')
    )
      fail('a bounce reason has no class (hard or soft)');
  }
  const d = content.delivery;
  if (d === null) return;
  const problem = deliveryColumnsProblem(d);
  if (problem) fail(problem);
  for (let i = 0; i < d.count; i++)
    if (d.contact[i] >= rowCount)
      fail(`delivery event ${i + 1} belongs to contact ${d.contact[i] + 1} of ${rowCount}`);
}

/** Throws BackupCheckError naming the first inconsistency; returns when the content is whole. */
export function checkBackupContent(content: BackupContent): void {
  if (!isObject(content.campaign) || typeof content.campaign.name !== 'string') {
    fail('the campaign has no name');
  }
  const rowCount = checkContacts(content);
  checkEvents(content, rowCount);
  checkSegments(content, rowCount);
  checkDelivery(content, rowCount);
}
