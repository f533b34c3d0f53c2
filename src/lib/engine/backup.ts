/**
 * Campaign backups: one self-contained file holding a campaign's fields, every column, events,
 * segments with their stored memberships, and import history with rejected-row reports.
 * Layout: the 8-byte signature `SLICEBK1`, a uint32 (little-endian) header length, the header
 * as UTF-8 JSON (strings, dictionaries, records), zero padding to 8 bytes, then the raw typed
 * arrays, each starting at a multiple of 8 bytes. Numbers travel as raw float64, so NaN, -0 and
 * every bit of precision survive. Since format 2 the header carries the SHA-256 of the data
 * that follows it, so a restore can tell a damaged file from a whole one; format 1 files (no
 * checksum) still restore, after the same consistency checks. Format 3 adds the campaign's
 * delivery events (DeliveryColumns) and the user's class per bounce reason; files without them
 * restore with none.
 */
import type { Column, ContactTable, EventTable, FieldSpec } from '$lib/core/columns/types';
import type { DeliveryColumns } from '$lib/core/analytics/delivery-columns';
import type { ImportRecord, SegmentRecord } from './api';
import { BackupCheckError, checkBackupContent } from './backup-check';
import { nameRecord } from '$lib/core/columns/name-record';

const SIGNATURE = 'SLICEBK1';
const FORMAT = 'slice-backup';
const VERSION = 3;

type ArrayType = 'u8' | 'u16' | 'u32' | 'i32' | 'f64';
type AnyArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;
interface Section {
  offset: number;
  length: number;
  type: ArrayType;
}

interface BackupColumn {
  kind: Column['kind'];
  dict?: string[];
  codes?: Section;
  values?: Section;
}

/** A segment's stored membership: its bits are a section in the header, an array in content. */
interface BackupMembership<Bits> {
  segmentId: string;
  rowCount: number;
  count: number;
  generatedAt: string;
  bits: Bits;
}

export interface BackupHeader {
  format: typeof FORMAT;
  version: number;
  exportedAt: string;
  /** `sha256:<hex>` of every byte after the header's padding (format 2 on). */
  checksum?: string;
  campaign: {
    name: string;
    createdAt: string;
    updatedAt: string;
    isDemo: boolean;
    eventTypes: string[];
    /** IANA zone; absent in backups made before campaigns had one. */
    timeZone?: string;
  };
  contacts: {
    rowCount: number;
    identity: string;
    fields: FieldSpec[];
    columns: Record<string, BackupColumn>;
  } | null;
  events: {
    count: number;
    types: string[];
    targets: string[];
    props: string[];
    offsets: Section;
    type: Section;
    target: Section;
    at: Section;
    propCodes: Section;
    /** Present once an import named an event id column. */
    eventIds?: string[];
    eventIdCodes?: Section;
  } | null;
  segments: SegmentRecord[];
  memberships: BackupMembership<Section>[];
  imports: ImportRecord[];
  reports: { importId: string; csv: string }[];
  /** Format 3 on, when the campaign has delivery events or bounce classes. */
  delivery?: {
    count: number;
    messages: string[];
    emailings: string[];
    reasons: string[];
    urls: string[];
    kind: Section;
    at: Section;
    machine: Section;
    bounce: Section;
    message: Section;
    contact: Section;
    emailing: Section;
    reason: Section;
    url: Section;
    bounceClasses: BounceClass[];
  };
}

/** The user's class for one bounce reason. */
export interface BounceClass {
  reason: string;
  bounce: 'hard' | 'soft';
}

export interface BackupContent {
  campaign: BackupHeader['campaign'];
  contacts: ContactTable | null;
  events: EventTable | null;
  segments: SegmentRecord[];
  memberships: BackupMembership<Uint32Array>[];
  imports: ImportRecord[];
  reports: BackupHeader['reports'];
  /** Null when the campaign has none (and in backups made before format 3). */
  delivery: DeliveryColumns | null;
  bounceClasses: BounceClass[];
}

const TYPE_OF = (a: AnyArray): ArrayType =>
  a instanceof Int32Array
    ? 'i32'
    : a instanceof Uint8Array
      ? 'u8'
      : a instanceof Uint16Array
        ? 'u16'
        : a instanceof Uint32Array
          ? 'u32'
          : 'f64';

export class BackupError extends Error {}

async function sha256(parts: BlobPart[]): Promise<string> {
  const bytes = await new Blob(parts).arrayBuffer();
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return `sha256:${Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function encodeBackup(content: BackupContent, exportedAt: string): Promise<Blob> {
  const parts: AnyArray[] = [];
  let cursor = 0;
  const add = (array: AnyArray): Section => {
    const section = { offset: cursor, length: array.length, type: TYPE_OF(array) };
    parts.push(array);
    cursor += array.byteLength;
    const pad = (8 - (cursor % 8)) % 8;
    if (pad) {
      parts.push(new Uint8Array(pad));
      cursor += pad;
    }
    return section;
  };
  const { contacts, events } = content;
  const header: BackupHeader = {
    format: FORMAT,
    version: VERSION,
    exportedAt,
    campaign: content.campaign,
    contacts: contacts
      ? {
          rowCount: contacts.rowCount,
          identity: contacts.identity,
          fields: contacts.fields,
          columns: Object.fromEntries(
            contacts.fields.map((f): [string, BackupColumn] => {
              const c = contacts.columns[f.name];
              return c.kind === 'string'
                ? [
                    f.name,
                    {
                      kind: 'string',
                      dict: c.dict,
                      codes: add(c.codes.subarray(0, contacts.rowCount))
                    }
                  ]
                : [f.name, { kind: c.kind, values: add(c.values.subarray(0, contacts.rowCount)) }];
            })
          )
        }
      : null,
    events: events
      ? {
          count: events.count,
          types: events.types,
          targets: events.targets,
          props: events.props,
          offsets: add(events.offsets),
          type: add(events.type.subarray(0, events.count)),
          target: add(events.target.subarray(0, events.count)),
          at: add(events.at.subarray(0, events.count)),
          propCodes: add(events.propCodes.subarray(0, events.count)),
          ...(events.eventIds && events.eventIdCodes
            ? {
                eventIds: events.eventIds,
                eventIdCodes: add(events.eventIdCodes.subarray(0, events.count))
              }
            : {})
        }
      : null,
    segments: content.segments,
    memberships: content.memberships.map((m) => ({
      segmentId: m.segmentId,
      rowCount: m.rowCount,
      count: m.count,
      generatedAt: m.generatedAt,
      bits: add(m.bits)
    })),
    imports: content.imports,
    reports: content.reports
  };
  const d = content.delivery;
  if (d || content.bounceClasses.length > 0) {
    const n = d?.count ?? 0;
    const arr = <T extends AnyArray>(a: T | undefined, empty: T): T =>
      a ? (a.subarray(0, n) as T) : empty;
    header.delivery = {
      count: n,
      messages: d?.messages ?? [''],
      emailings: d?.emailings ?? [''],
      reasons: d?.reasons ?? [''],
      urls: d?.urls ?? [''],
      kind: add(arr(d?.kind, new Uint8Array(0))),
      at: add(arr(d?.at, new Float64Array(0))),
      machine: add(arr(d?.machine, new Uint8Array(0))),
      bounce: add(arr(d?.bounce, new Uint8Array(0))),
      message: add(arr(d?.message, new Uint32Array(0))),
      contact: add(arr(d?.contact, new Int32Array(0))),
      emailing: add(arr(d?.emailing, new Uint32Array(0))),
      reason: add(arr(d?.reason, new Uint32Array(0))),
      url: add(arr(d?.url, new Uint32Array(0))),
      bounceClasses: content.bounceClasses
    };
  }
  header.checksum = await sha256(parts as BlobPart[]);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(new TextEncoder().encode(SIGNATURE), 0);
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  const headPad = new Uint8Array((8 - ((12 + json.length) % 8)) % 8);
  return new Blob([prefix, json, headPad, ...parts] as BlobPart[], {
    type: 'application/octet-stream'
  });
}

const CTORS = {
  u8: Uint8Array,
  u16: Uint16Array,
  u32: Uint32Array,
  i32: Int32Array,
  f64: Float64Array
} as const;

const damaged = (what: string) =>
  new BackupError(`This Slice backup is damaged: ${what}. Nothing was restored.`);

export async function decodeBackup(file: Blob): Promise<BackupContent> {
  const notBackup = new BackupError(
    'This file is not a Slice backup: it does not start with the Slice backup signature. Choose a file made by "Export backup".'
  );
  if (file.size < 12) throw notBackup;
  const buffer = await file.arrayBuffer();
  const bytes = new Uint8Array(buffer);
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== SIGNATURE) throw notBackup;
  const length = new DataView(buffer).getUint32(8, true);
  if (12 + length > bytes.length)
    throw new BackupError('This Slice backup is truncated (its header is incomplete).');
  let header: BackupHeader;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(12, 12 + length))
    ) as BackupHeader;
  } catch {
    throw damaged('its header is not readable');
  }
  if (typeof header !== 'object' || header === null || header.format !== FORMAT) throw notBackup;
  if (!Number.isSafeInteger(header.version) || header.version < 1) throw notBackup;
  if (header.version > VERSION) {
    throw new BackupError(
      `This backup was made by a newer version of Slice (format ${header.version}); update Slice to restore it.`
    );
  }
  const base = 12 + length + ((8 - ((12 + length) % 8)) % 8);
  if (header.version >= 2) {
    if (typeof header.checksum !== 'string') throw damaged('its checksum is missing');
    const actual = await sha256([bytes.subarray(Math.min(base, bytes.length))]);
    if (actual !== header.checksum) {
      throw damaged('its data does not match its checksum (the file was changed or cut short)');
    }
  }
  let content: BackupContent;
  try {
    content = readContent(header, buffer, base);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    // A header edited by hand can lack any part: name the file as damaged, not a TypeError.
    throw damaged('its header does not describe a campaign');
  }
  try {
    checkBackupContent(content);
  } catch (e) {
    if (e instanceof BackupCheckError) throw new BackupError(e.message, { cause: e });
    throw e;
  }
  return content;
}

function readContent(header: BackupHeader, buffer: ArrayBuffer, base: number): BackupContent {
  const read = <T extends ArrayType>(
    s: Section & { type: T },
    type: T
  ): InstanceType<(typeof CTORS)[T]> => {
    if (typeof s !== 'object' || s === null || s.type !== type) {
      throw damaged('a data section has the wrong type');
    }
    const Ctor = CTORS[type];
    if (!Number.isSafeInteger(s.offset) || !Number.isSafeInteger(s.length) || s.offset < 0) {
      throw damaged('a data section has an impossible position');
    }
    if (s.length < 0 || s.offset % Ctor.BYTES_PER_ELEMENT !== 0) {
      throw damaged('a data section has an impossible position');
    }
    const start = base + s.offset;
    const end = start + s.length * Ctor.BYTES_PER_ELEMENT;
    if (end > buffer.byteLength)
      throw new BackupError('This Slice backup is truncated (data is missing at the end).');
    // A copy: the sections are aligned, but the columns must not keep the whole file alive.
    return new Ctor(buffer.slice(start, end)) as InstanceType<(typeof CTORS)[T]>;
  };
  const c = header.contacts;
  const contacts: ContactTable | null = c
    ? {
        rowCount: c.rowCount,
        identity: c.identity,
        fields: c.fields,
        columns: Object.fromEntries(
          c.fields.map((f): [string, Column] => {
            const col = c.columns[f.name];
            if (col.kind === 'string') {
              return [
                f.name,
                {
                  kind: 'string',
                  dict: col.dict ?? [''],
                  codes: read(col.codes as Section & { type: 'u32' }, 'u32')
                }
              ];
            }
            if (col.kind === 'boolean')
              return [
                f.name,
                { kind: 'boolean', values: read(col.values as Section & { type: 'u8' }, 'u8') }
              ];
            if (col.kind !== 'number')
              throw damaged(`field "${f.name}" has an unknown column kind`);
            return [
              f.name,
              { kind: 'number', values: read(col.values as Section & { type: 'f64' }, 'f64') }
            ];
          })
        )
      }
    : null;
  const e = header.events;
  const events: EventTable | null = e
    ? {
        count: e.count,
        types: e.types,
        targets: e.targets,
        props: e.props,
        offsets: read(e.offsets as Section & { type: 'u32' }, 'u32'),
        type: read(e.type as Section & { type: 'u16' }, 'u16'),
        target: read(e.target as Section & { type: 'u32' }, 'u32'),
        at: read(e.at as Section & { type: 'f64' }, 'f64'),
        propCodes: read(e.propCodes as Section & { type: 'u32' }, 'u32'),
        ...(e.eventIds && e.eventIdCodes
          ? {
              eventIds: e.eventIds,
              eventIdCodes: read(e.eventIdCodes as Section & { type: 'u32' }, 'u32')
            }
          : {})
      }
    : null;
  return {
    campaign: header.campaign,
    contacts,
    events,
    segments: header.segments ?? [],
    memberships: (header.memberships ?? []).map((m) => ({
      segmentId: m.segmentId,
      rowCount: m.rowCount,
      count: m.count,
      generatedAt: m.generatedAt,
      bits: read(m.bits as Section & { type: 'u32' }, 'u32')
    })),
    imports: header.imports ?? [],
    reports: header.reports ?? [],
    ...readDelivery(header.delivery, read)
  };
}

type SectionReader = <T extends ArrayType>(
  s: Section & { type: T },
  type: T
) => InstanceType<(typeof CTORS)[T]>;

function readDelivery(
  d: BackupHeader['delivery'],
  read: SectionReader
): Pick<BackupContent, 'delivery' | 'bounceClasses'> {
  if (d === undefined) return { delivery: null, bounceClasses: [] };
  const s = <T extends ArrayType>(section: Section, type: T) =>
    read(section as Section & { type: T }, type);
  const delivery: DeliveryColumns = {
    count: d.count,
    kind: s(d.kind, 'u8'),
    at: s(d.at, 'f64'),
    machine: s(d.machine, 'u8'),
    bounce: s(d.bounce, 'u8'),
    message: s(d.message, 'u32'),
    messages: d.messages,
    contact: s(d.contact, 'i32'),
    emailing: s(d.emailing, 'u32'),
    emailings: d.emailings,
    reason: s(d.reason, 'u32'),
    reasons: d.reasons,
    url: s(d.url, 'u32'),
    urls: d.urls
  };
  return {
    delivery: d.count > 0 ? delivery : null,
    bounceClasses: Array.isArray(d.bounceClasses) ? d.bounceClasses : []
  };
}

/** Gives segment ids new values, rewriting `segment` conditions that point at them. */
export function remapSegmentIds<T>(definition: T, ids: Map<string, string>): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const out = nameRecord<unknown>();
      for (const [k, v] of Object.entries(node)) out[k] = walk(v);
      if (out.kind === 'segment' && typeof out.segment === 'string' && ids.has(out.segment)) {
        out.segment = ids.get(out.segment);
      }
      return out;
    }
    return node;
  };
  return walk(definition) as T;
}
