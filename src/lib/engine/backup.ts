/**
 * Campaign backups: one self-contained file holding a campaign's fields, every column, events,
 * segments with their stored memberships, and import history with rejected-row reports.
 * Layout: the 8-byte signature `SLICEBK1`, a uint32 (little-endian) header length, the header
 * as UTF-8 JSON (strings, dictionaries, records), zero padding to 8 bytes, then the raw typed
 * arrays, each starting at a multiple of 8 bytes. Numbers travel as raw float64, so NaN, -0 and
 * every bit of precision survive.
 */
import type { Column, ContactTable, EventTable, FieldSpec } from '$lib/core/columns/types';
import type { ImportRecord, SegmentRecord } from './api';

const SIGNATURE = 'SLICEBK1';
const FORMAT = 'slice-backup';
const VERSION = 1;

type ArrayType = 'u8' | 'u16' | 'u32' | 'f64';
type AnyArray = Uint8Array | Uint16Array | Uint32Array | Float64Array;
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
  campaign: {
    name: string;
    createdAt: string;
    updatedAt: string;
    isDemo: boolean;
    eventTypes: string[];
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
}

export interface BackupContent {
  campaign: BackupHeader['campaign'];
  contacts: ContactTable | null;
  events: EventTable | null;
  segments: SegmentRecord[];
  memberships: BackupMembership<Uint32Array>[];
  imports: ImportRecord[];
  reports: BackupHeader['reports'];
}

const TYPE_OF = (a: AnyArray): ArrayType =>
  a instanceof Uint8Array
    ? 'u8'
    : a instanceof Uint16Array
      ? 'u16'
      : a instanceof Uint32Array
        ? 'u32'
        : 'f64';

export class BackupError extends Error {}

export function encodeBackup(content: BackupContent, exportedAt: string): Blob {
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
  const json = new TextEncoder().encode(JSON.stringify(header));
  const prefix = new Uint8Array(12);
  prefix.set(new TextEncoder().encode(SIGNATURE), 0);
  new DataView(prefix.buffer).setUint32(8, json.length, true);
  const headPad = new Uint8Array((8 - ((12 + json.length) % 8)) % 8);
  return new Blob([prefix, json, headPad, ...parts] as BlobPart[], {
    type: 'application/octet-stream'
  });
}

const CTORS = { u8: Uint8Array, u16: Uint16Array, u32: Uint32Array, f64: Float64Array } as const;

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
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length))) as BackupHeader;
  } catch {
    throw new BackupError('This Slice backup is damaged: its header is not readable.');
  }
  if (header.format !== FORMAT || typeof header.version !== 'number') throw notBackup;
  if (header.version > VERSION) {
    throw new BackupError(
      `This backup was made by a newer version of Slice (format ${header.version}); update Slice to restore it.`
    );
  }
  const base = 12 + length + ((8 - ((12 + length) % 8)) % 8);
  const read = <T extends ArrayType>(s: Section & { type: T }): InstanceType<(typeof CTORS)[T]> => {
    const Ctor = CTORS[s.type];
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
                  codes: read(col.codes as Section & { type: 'u32' })
                }
              ];
            }
            if (col.kind === 'boolean')
              return [
                f.name,
                { kind: 'boolean', values: read(col.values as Section & { type: 'u8' }) }
              ];
            return [
              f.name,
              { kind: 'number', values: read(col.values as Section & { type: 'f64' }) }
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
        offsets: read(e.offsets as Section & { type: 'u32' }),
        type: read(e.type as Section & { type: 'u16' }),
        target: read(e.target as Section & { type: 'u32' }),
        at: read(e.at as Section & { type: 'f64' }),
        propCodes: read(e.propCodes as Section & { type: 'u32' }),
        ...(e.eventIds && e.eventIdCodes
          ? {
              eventIds: e.eventIds,
              eventIdCodes: read(e.eventIdCodes as Section & { type: 'u32' })
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
      bits: read(m.bits as Section & { type: 'u32' })
    })),
    imports: header.imports ?? [],
    reports: header.reports ?? []
  };
}

/** Gives segment ids new values, rewriting `segment` conditions that point at them. */
export function remapSegmentIds<T>(definition: T, ids: Map<string, string>): T {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      const out: Record<string, unknown> = {};
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
