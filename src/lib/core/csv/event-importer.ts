/**
 * Turns parsed events CSV records into an EventTable (CSR by contact, sorted by time), merged
 * with the campaign's existing events. Contacts are matched by identity; every unusable record
 * is rejected with its line, column and reason.
 *
 * Which records are new (docs/import.md): events are a multiset. Two equal records (same
 * contact, type, target, timestamp and properties) are two events — two page views in one
 * second — and for each distinct event the file adds as many as it holds beyond those already
 * stored; so importing a file twice, or a later export that repeats earlier rows, adds only
 * the new ones. When the mapping names an event id column, ids decide instead: an id already
 * stored is already imported, an id seen earlier in the file is the same event.
 * Typed arrays only: 5,000,000 events fit.
 */
import type { ContactTable, DateOrder, EventTable } from '../columns/types';
import { growTypedArray, nextCapacity } from './column-builders';
import { headerIndex, headerSkipper, rejectedRow, type RejectedRowDetail } from './import-rows';
import { zoneClock } from '../segment/dates';
import { dateOrdersOf, parseDateTime } from './parse-date';
import { normaliseIdentity } from './normalise-identity';
import { StringDictionary } from './string-dictionary';
import type { Delimiter, EventMapping } from './types';
import { nameRecord } from '../columns/name-record';
import { shortCell } from './short-cell';

export interface EventImporterOptions {
  mapping: EventMapping;
  headers: string[];
  contacts: ContactTable;
  existing?: EventTable;
  /** The file's delimiter, to write rejected records back as they were (default ','). */
  delimiter?: Delimiter;
  /** IANA zone in which timestamps without a zone are read (default UTC). */
  timeZone?: string;
}

export interface EventImportResult {
  events: EventTable;
  /** Events stored from this file. */
  added: number;
  /** Records already imported (matched to a stored event, by content or by id): not added. */
  skipped: number;
  /** With an event id column: records whose id an earlier record of the file had (one event). */
  repeatedIds: number;
  rejected: RejectedRowDetail[];
}

export interface EventImporter {
  /** Takes data records (a leading header record, identical to `headers`, is skipped). */
  addRows(rows: string[][], lines: number[]): void;
  finish(): EventImportResult;
}

const MAX_TYPES = 65_535;

/** `Page View`, `page-view` and `page_view` are one type. */
export function normaliseEventType(raw: string): string {
  return raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

/** Finds a contact's row from the normalised identity written in an events file. */
export interface ContactIndex {
  /** Row of the contact, or -1. */
  rowOf(key: string): number;
}

/**
 * The contacts' identities as a hash index. For a string identity the index is built over the
 * identity column's dictionary (normalised) and maps dictionary codes to rows: one hash table
 * of typed arrays, fast at a million contacts (a Map of a million keys is not).
 */
export function contactIndex(contacts: ContactTable): ContactIndex {
  const spec = contacts.fields.find((f) => f.name === contacts.identity);
  const col = contacts.columns[contacts.identity];
  if (!spec || !col) return { rowOf: () => -1 };
  if (col.kind === 'string') {
    const keys = col.dict.map((v) => normaliseIdentity(v, spec.type));
    const dictionary = new StringDictionary(keys);
    const rows = new Int32Array(keys.length).fill(-1);
    for (let r = 0; r < contacts.rowCount; r++) rows[col.codes[r]] = r;
    // Two stored spellings of one identity: the first code found for the key gets a row.
    for (let code = 1; code < keys.length; code++) {
      const first = dictionary.lookup(keys[code]);
      if (first !== code && rows[first] === -1) rows[first] = rows[code];
    }
    return {
      rowOf(key) {
        const code = dictionary.lookup(key);
        return code <= 0 ? -1 : rows[code];
      }
    };
  }
  const index = new Map<string, number>();
  if (col.kind === 'number') {
    for (let r = 0; r < contacts.rowCount; r++) index.set(String(col.values[r]), r);
  }
  return { rowOf: (key) => index.get(key) ?? -1 };
}

function dictIndex(values: string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < values.length; i++) if (!index.has(values[i])) index.set(values[i], i);
  return index;
}

export function createEventImporter(opts: EventImporterOptions): EventImporter {
  const { mapping, headers, contacts, existing } = opts;
  const delimiter = opts.delimiter ?? ',';
  const zone = opts.timeZone ? zoneClock(opts.timeZone) : undefined;
  const width = headers.length;
  const find = (name: string) => {
    const i = headerIndex(headers, name);
    if (i === -1) throw new Error(`the events file has no column '${name}'`);
    return i;
  };
  const contactCol = find(mapping.contact);
  const typeCol = find(mapping.type);
  const atCol = find(mapping.at);
  const targetCol = mapping.target ? find(mapping.target) : -1;
  const propCols = mapping.properties.map(find);
  const propNames = propCols.map((i) => headers[i].trim());
  const idCol = mapping.id ? find(mapping.id) : -1;
  const idName = idCol === -1 ? '' : headers[idCol].trim();
  const contactName = headers[contactCol].trim();
  const typeName = headers[typeCol].trim();
  const atName = headers[atCol].trim();
  const idType = contacts.fields.find((f) => f.name === contacts.identity)?.type ?? 'text';
  const contactRow = contactIndex(contacts);

  const types = existing ? existing.types.slice() : [];
  const typeIndex = dictIndex(types);
  const targets = new StringDictionary(existing ? existing.targets : ['']);
  const props = new StringDictionary(existing ? existing.props : ['']);
  // Codes below storedIds are ids of stored events; the ones after come from this file.
  const eventIds = new StringDictionary(existing?.eventIds ?? ['']);
  const storedIds = eventIds.size;
  let storedById = 0;
  let repeatedIds = 0;
  // Raw type cells repeat a handful of spellings: normalise each spelling once.
  const typeSpellings = new Map<string, string>();

  let order: DateOrder | undefined = mapping.dateOrder;
  let cap = 0;
  let count = 0;
  let evContact = new Uint32Array(0);
  let evType = new Uint16Array(0);
  let evTarget = new Uint32Array(0);
  let evAt = new Float64Array(0);
  let evProp = new Uint32Array(0);
  let evId = new Uint32Array(0);
  const rejected: RejectedRowDetail[] = [];
  const headerRows = headerSkipper(headers);

  const reject = (row: string[], line: number, column: string | undefined, reason: string) => {
    rejected.push(rejectedRow(row, line, column, reason, delimiter));
  };

  /** Day-first unless the timestamps of the first batch read only month-first. */
  const inferOrder = (rows: string[][]) => {
    let dmy = 0;
    let mdy = 0;
    for (let i = 0; i < rows.length && i < 1000; i++) {
      const o = rows[i].length === width ? dateOrdersOf(rows[i][atCol]) : null;
      if (o && !o.iso) {
        if (o.dmy) dmy++;
        if (o.mdy) mdy++;
      }
    }
    order = mdy > dmy ? 'mdy' : 'dmy';
  };

  let lastContactCell = '';
  let lastContact = -1;

  /** The rest of a record whose contact is known. */
  const addEvent = (row: string[], line: number, contact: number) => {
    const rawType = row[typeCol];
    let type = typeSpellings.get(rawType);
    if (type === undefined) {
      type = normaliseEventType(rawType);
      typeSpellings.set(rawType, type);
    }
    if (type === '') {
      reject(row, line, typeName, `empty event type in column ${typeName}`);
      return;
    }
    const rawAt = row[atCol].trim();
    if (rawAt === '') {
      reject(row, line, atName, `empty timestamp in column ${atName}`);
      return;
    }
    const at = parseDateTime(rawAt, order!, zone);
    if (Number.isNaN(at)) {
      const label = order === 'mdy' ? 'month/day/year' : 'day/month/year';
      reject(
        row,
        line,
        atName,
        `'${shortCell(rawAt)}' is not a date or date and time (${label} hh:mm) in column ${atName}`
      );
      return;
    }
    let idCode = 0;
    if (idCol !== -1) {
      const id = row[idCol].trim();
      if (id === '') {
        reject(row, line, idName, `empty event id in column ${idName}`);
        return;
      }
      const known = eventIds.lookup(id);
      if (known > 0) {
        if (known < storedIds) storedById++;
        else repeatedIds++;
        return;
      }
      idCode = eventIds.append(id);
    }
    let typeCode = typeIndex.get(type);
    if (typeCode === undefined) {
      if (types.length >= MAX_TYPES) {
        reject(row, line, typeName, `too many distinct event types (at most ${MAX_TYPES})`);
        return;
      }
      typeCode = types.length;
      types.push(type);
      typeIndex.set(type, typeCode);
    }
    let targetCode = 0;
    if (targetCol !== -1) {
      const target = row[targetCol].trim();
      if (target !== '') targetCode = targets.codeOf(target);
    }
    let propCode = 0;
    if (propCols.length > 0) {
      let obj: Record<string, string> | null = null;
      for (let k = 0; k < propCols.length; k++) {
        const v = row[propCols[k]].trim();
        if (v === '') continue;
        obj ??= nameRecord<string>();
        obj[propNames[k]] = v;
      }
      if (obj) propCode = props.codeOf(JSON.stringify(obj));
    }
    if (count === cap) {
      cap = nextCapacity(cap, count + 1);
      evContact = growTypedArray(evContact, cap);
      evType = growTypedArray(evType, cap);
      evTarget = growTypedArray(evTarget, cap);
      evAt = growTypedArray(evAt, cap);
      evProp = growTypedArray(evProp, cap);
      if (idCol !== -1) evId = growTypedArray(evId, cap);
    }
    evContact[count] = contact;
    evType[count] = typeCode;
    evTarget[count] = targetCode;
    evAt[count] = at;
    evProp[count] = propCode;
    if (idCol !== -1) evId[count] = idCode;
    count++;
  };

  const addRow = (row: string[], line: number) => {
    if (row.length !== width) {
      reject(row, line, undefined, `expected ${width} fields, found ${row.length}`);
      return;
    }
    const rawContact = row[contactCol];
    // Events files often list a contact's events together: reuse the last lookup.
    if (rawContact === lastContactCell && lastContact !== -1) {
      addEvent(row, line, lastContact);
      return;
    }
    const key = normaliseIdentity(rawContact, idType);
    if (key === '') {
      reject(row, line, contactName, `empty contact in column ${contactName}`);
      return;
    }
    const contact = contactRow.rowOf(key);
    if (contact === -1) {
      reject(
        row,
        line,
        contactName,
        `unknown contact '${shortCell(rawContact.trim())}' in column ${contactName}`
      );
      return;
    }
    lastContactCell = rawContact;
    lastContact = contact;
    addEvent(row, line, contact);
  };

  return {
    addRows(rows, lines) {
      let i = headerRows(rows);
      if (order === undefined) inferOrder(i === 0 ? rows : rows.slice(1));
      for (; i < rows.length; i++) addRow(rows[i], lines[i]);
    },
    finish() {
      const targetValues = targets.values;
      const propValues = props.values;
      const withIds = idCol !== -1 || existing?.eventIdCodes !== undefined;
      const { events, skipped } = mergeEvents(
        contacts.rowCount,
        existing,
        {
          count,
          contact: evContact,
          type: evType,
          target: evTarget,
          at: evAt,
          prop: evProp,
          // Ids decide which records are new: their content is not compared.
          byContent: idCol === -1,
          eventId: idCol !== -1 ? evId : withIds ? new Uint32Array(count) : null
        },
        {
          // The dictionaries give equal strings one code; looking the value up again also
          // covers a stored dictionary that holds one string twice.
          target: (code) => targets.lookup(targetValues[code]),
          prop: canonicalPropIds(propValues)
        }
      );
      events.types = types;
      events.targets = targetValues;
      events.props = propValues;
      if (withIds) events.eventIds = eventIds.values;
      return {
        events,
        added: count - skipped,
        skipped: skipped + storedById,
        repeatedIds,
        rejected
      };
    }
  };
}

interface NewEvents {
  count: number;
  contact: Uint32Array;
  type: Uint16Array;
  target: Uint32Array;
  at: Float64Array;
  prop: Uint32Array;
  /** Whether records are matched to stored events by content (no event id column). */
  byContent: boolean;
  /** Event id codes, when the merged table carries ids (this file's or stored ones). */
  eventId: Uint32Array | null;
}

/**
 * Maps a code to an id that is equal for equal values: called only for two events of one
 * contact at one instant whose codes differ, so a few calls for a whole import.
 */
interface ValueIds {
  target(code: number): number;
  prop(code: number): number;
}

/**
 * Ids of property sets that are equal as objects: `{"a":"1","b":"2"}` and `{"b":"2","a":"1"}`
 * (two files listing their columns in another order) get one id. Computed lazily per code.
 */
function canonicalPropIds(props: string[]): (code: number) => number {
  const idOfCode = new Map<number, number>();
  const idOfCanonical = new Map<string, number>();
  return (code) => {
    if (code === 0) return 0;
    let id = idOfCode.get(code);
    if (id !== undefined) return id;
    let canonical = props[code];
    try {
      const obj = JSON.parse(canonical) as unknown;
      if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
        const record = obj as Record<string, unknown>;
        const keys = Object.keys(record).sort();
        canonical = JSON.stringify(keys.map((k) => [k, record[k]]));
      }
    } catch {
      // Not JSON (a hand-made backup?): the string itself is its identity.
    }
    id = idOfCanonical.get(canonical);
    if (id === undefined) {
      id = idOfCanonical.size + 1;
      idOfCanonical.set(canonical, id);
    }
    idOfCode.set(code, id);
    return id;
  };
}

/**
 * Where a merged event comes from, moved along with the event when a contact is sorted:
 * STORED before this import, FRESH from this file, ALREADY_IMPORTED (a fresh event matched to a
 * stored one: left out) or MATCHED (a stored event a fresh one was matched to: kept, and not
 * matched again, so that two stored copies absorb at most two fresh ones).
 */
const STORED = 0;
const FRESH = 1;
const ALREADY_IMPORTED = 2;
const MATCHED = 3;

/**
 * Existing events (CSR over possibly fewer contacts) plus new ones, in CSR form over
 * `rowCount` contacts, by contact then time (stable: same time keeps existing, then file order).
 * With `byContent`, each new event equal to a stored event not matched yet is left out and
 * counted: per distinct event, only the copies beyond the stored ones are added.
 */
function mergeEvents(
  rowCount: number,
  existing: EventTable | undefined,
  added: NewEvents,
  ids: ValueIds
): { events: EventTable; skipped: number } {
  const oldOffsets = existing?.offsets ?? new Uint32Array(1);
  const oldContacts = Math.min(rowCount, oldOffsets.length - 1);
  const oldCount = existing ? oldOffsets[oldContacts] : 0;
  const total = oldCount + added.count;
  const offsets = new Uint32Array(rowCount + 1);
  for (let r = 0; r < oldContacts; r++) offsets[r + 1] = oldOffsets[r + 1] - oldOffsets[r];
  for (let i = 0; i < added.count; i++) offsets[added.contact[i] + 1]++;
  for (let r = 0; r < rowCount; r++) offsets[r + 1] += offsets[r];

  const cols: EventColumns = {
    type: new Uint16Array(total),
    target: new Uint32Array(total),
    at: new Float64Array(total),
    propCodes: new Uint32Array(total),
    origin: new Uint8Array(total),
    eventId: added.eventId ? new Uint32Array(total) : null
  };
  const { type, target, at, propCodes, origin, eventId } = cols;
  const next = offsets.slice(0, rowCount);
  if (existing) {
    // Element by element: a subarray per contact would allocate millions of views.
    const { type: oType, target: oTarget, at: oAt, propCodes: oProp } = existing;
    const oId = eventId ? existing.eventIdCodes : undefined;
    for (let r = 0; r < oldContacts; r++) {
      let dst = next[r];
      for (let e = oldOffsets[r], to = oldOffsets[r + 1]; e < to; e++, dst++) {
        type[dst] = oType[e];
        target[dst] = oTarget[e];
        at[dst] = oAt[e];
        propCodes[dst] = oProp[e];
        if (oId) eventId![dst] = oId[e];
      }
      next[r] = dst;
    }
  }
  for (let i = 0; i < added.count; i++) {
    const dst = next[added.contact[i]]++;
    type[dst] = added.type[i];
    target[dst] = added.target[i];
    at[dst] = added.at[i];
    propCodes[dst] = added.prop[i];
    if (eventId) eventId[dst] = added.eventId![i];
    origin[dst] = FRESH;
  }
  const compare = added.byContent && added.count > 0 && oldCount > 0;
  let skipped = 0;
  for (let r = 0; r < rowCount; r++) {
    const from = offsets[r];
    const to = offsets[r + 1];
    for (let i = from + 1; i < to; i++) {
      if (at[i] < at[i - 1]) {
        sortRange(from, to, cols);
        break;
      }
    }
    // A contact with no stored events takes all of its fresh ones.
    if (!compare || r >= oldContacts || oldOffsets[r] === oldOffsets[r + 1]) continue;
    // Sorted by time, equal events are neighbours: only runs of one instant are compared.
    for (let i = from + 1; i < to; i++) {
      if (at[i] !== at[i - 1]) continue;
      const start = i - 1;
      let end = i + 1;
      while (end < to && at[end] === at[start]) end++;
      if (end - start === 2) {
        // The usual run (an event and its copy from a re-imported file): no loops. Stored
        // events come first in a run, so only this order can match.
        if (origin[start] === STORED && origin[i] === FRESH && sameEvent(start, i, cols, ids)) {
          origin[i] = ALREADY_IMPORTED;
          skipped++;
        }
      } else {
        skipped += matchStored(start, end, cols, ids);
      }
      i = end - 1;
    }
  }
  const events: EventTable = {
    count: total,
    types: [],
    targets: [],
    offsets,
    type,
    target,
    at,
    propCodes,
    props: []
  };
  if (eventId) events.eventIdCodes = eventId;
  if (skipped > 0) dropAlreadyImported(events, origin, rowCount);
  return { events, skipped };
}

interface EventColumns {
  type: Uint16Array;
  target: Uint32Array;
  at: Float64Array;
  propCodes: Uint32Array;
  origin: Uint8Array;
  eventId: Uint32Array | null;
}

/** Runs longer than this (one contact, one instant) are sorted rather than compared pairwise. */
const PAIRWISE_RUN = 32;

/** Whether events a and b (of one contact, at one instant) have equal type, target, properties. */
function sameEvent(a: number, b: number, cols: EventColumns, ids: ValueIds): boolean {
  const { target, propCodes } = cols;
  return (
    cols.type[a] === cols.type[b] &&
    (target[a] === target[b] || ids.target(target[a]) === ids.target(target[b])) &&
    (propCodes[a] === propCodes[b] || ids.prop(propCodes[a]) === ids.prop(propCodes[b]))
  );
}

/**
 * In [from, to) (one contact, one instant, stored events first, then file order), matches each
 * FRESH event to an equal STORED event not matched yet and marks it ALREADY_IMPORTED; returns
 * how many. Fresh events left over are the copies the campaign did not have.
 */
function matchStored(from: number, to: number, cols: EventColumns, ids: ValueIds): number {
  const { type, target, propCodes, origin } = cols;
  let fresh = false;
  let stored = false;
  for (let k = from; k < to; k++) {
    if (origin[k] === FRESH) fresh = true;
    else stored = true;
  }
  if (!fresh || !stored) return 0;
  let marked = 0;
  if (to - from <= PAIRWISE_RUN) {
    for (let k = from + 1; k < to; k++) {
      if (origin[k] !== FRESH) continue;
      for (let m = from; m < k; m++) {
        if (origin[m] === STORED && sameEvent(m, k, cols, ids)) {
          origin[m] = MATCHED;
          origin[k] = ALREADY_IMPORTED;
          marked++;
          break;
        }
      }
    }
    return marked;
  }
  // Many events at one instant (a file of dates without times): group equal ones by sorting.
  const n = to - from;
  const typeIds = new Uint32Array(n);
  const targetIds = new Uint32Array(n);
  const propIds = new Uint32Array(n);
  const order = new Uint32Array(n);
  for (let q = 0; q < n; q++) {
    typeIds[q] = type[from + q];
    targetIds[q] = ids.target(target[from + q]);
    propIds[q] = ids.prop(propCodes[from + q]);
    order[q] = q;
  }
  order.sort(
    (a, b) =>
      typeIds[a] - typeIds[b] || targetIds[a] - targetIds[b] || propIds[a] - propIds[b] || a - b
  );
  // Within a group of equal events the stored ones come first (lower index): each stored copy
  // absorbs one fresh copy.
  let unmatched = 0;
  for (let q = 0; q < n; q++) {
    const b = order[q];
    if (q > 0) {
      const a = order[q - 1];
      const equal =
        typeIds[a] === typeIds[b] && targetIds[a] === targetIds[b] && propIds[a] === propIds[b];
      if (!equal) unmatched = 0;
    }
    if (origin[from + b] === STORED) unmatched++;
    else if (unmatched > 0) {
      origin[from + b] = ALREADY_IMPORTED;
      unmatched--;
      marked++;
    }
  }
  return marked;
}

/** Removes the events marked ALREADY_IMPORTED, in place, and shrinks the arrays to fit. */
function dropAlreadyImported(events: EventTable, origin: Uint8Array, rowCount: number): void {
  const { offsets, type, target, at, propCodes } = events;
  const eventId = events.eventIdCodes;
  let w = 0;
  for (let r = 0; r < rowCount; r++) {
    const from = offsets[r];
    const to = offsets[r + 1];
    offsets[r] = w;
    for (let i = from; i < to; i++) {
      if (origin[i] === ALREADY_IMPORTED) continue;
      type[w] = type[i];
      target[w] = target[i];
      at[w] = at[i];
      propCodes[w] = propCodes[i];
      if (eventId) eventId[w] = eventId[i];
      w++;
    }
  }
  offsets[rowCount] = w;
  events.count = w;
  // Copies, so that the stored table does not keep the larger buffers alive.
  events.type = type.slice(0, w);
  events.target = target.slice(0, w);
  events.at = at.slice(0, w);
  events.propCodes = propCodes.slice(0, w);
  if (eventId) events.eventIdCodes = eventId.slice(0, w);
}

function sortRange(from: number, to: number, cols: EventColumns): void {
  const { type, target, at, propCodes, origin, eventId } = cols;
  if (to - from <= 32) {
    // Most contacts have a few events: a stable insertion sort in place, nothing allocated.
    for (let i = from + 1; i < to; i++) {
      const t = at[i];
      if (t >= at[i - 1]) continue;
      const ty = type[i];
      const tg = target[i];
      const pc = propCodes[i];
      const og = origin[i];
      const id = eventId ? eventId[i] : 0;
      let j = i - 1;
      while (j >= from && at[j] > t) {
        at[j + 1] = at[j];
        type[j + 1] = type[j];
        target[j + 1] = target[j];
        propCodes[j + 1] = propCodes[j];
        origin[j + 1] = origin[j];
        if (eventId) eventId[j + 1] = eventId[j];
        j--;
      }
      at[j + 1] = t;
      type[j + 1] = ty;
      target[j + 1] = tg;
      propCodes[j + 1] = pc;
      origin[j + 1] = og;
      if (eventId) eventId[j + 1] = id;
    }
    return;
  }
  const idx: number[] = [];
  for (let i = from; i < to; i++) idx.push(i);
  idx.sort((a, b) => at[a] - at[b] || a - b);
  const t = idx.map((i) => type[i]);
  const g = idx.map((i) => target[i]);
  const a = idx.map((i) => at[i]);
  const p = idx.map((i) => propCodes[i]);
  const o = idx.map((i) => origin[i]);
  const e = eventId ? idx.map((i) => eventId[i]) : null;
  for (let k = 0; k < idx.length; k++) {
    type[from + k] = t[k];
    target[from + k] = g[k];
    at[from + k] = a[k];
    propCodes[from + k] = p[k];
    origin[from + k] = o[k];
    if (e) eventId![from + k] = e[k];
  }
}
