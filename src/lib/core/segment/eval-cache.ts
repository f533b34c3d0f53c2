/**
 * EvalCache: memo of per-condition bitsets for live counts. While a user edits a definition,
 * each keystroke re-evaluates a tree whose conditions are mostly unchanged; they are looked up
 * here by canonical JSON (plus `now`/time zone when the condition depends on them). Entries are
 * dropped when the data change (other table objects or another dataVersion) and the least
 * recently used go first when the byte budget is exceeded.
 */
import type { ContactTable, EventTable } from '../columns/types';
import type { Bitset } from '../columns/bitset';

export interface EvalCacheOptions {
  /** Memory budget for cached bitsets; default 32 MiB (about 256 bitsets of 1M rows). */
  maxBytes?: number;
}

export class EvalCache {
  private readonly maxBytes: number;
  private readonly entries = new Map<string, Bitset>();
  private bytes = 0;
  private contacts: ContactTable | null = null;
  private events: EventTable | null = null;
  private version: unknown = undefined;
  hits = 0;
  misses = 0;

  constructor(options: EvalCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 32 * 1024 * 1024;
  }

  /** Clears the cache unless it already holds results for exactly this data. */
  bind(contacts: ContactTable, events: EventTable, dataVersion?: unknown): void {
    if (contacts !== this.contacts || events !== this.events || dataVersion !== this.version) {
      this.clear();
      this.contacts = contacts;
      this.events = events;
      this.version = dataVersion;
    }
  }

  get(key: string): Bitset | undefined {
    const v = this.entries.get(key);
    if (v === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Re-insert to mark as most recently used.
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stores a bitset; the cache owns it from now on and callers must not mutate it. */
  set(key: string, bits: Bitset): void {
    if (bits.byteLength > this.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.byteLength;
      this.entries.delete(key);
    }
    this.entries.set(key, bits);
    this.bytes += bits.byteLength;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.byteLength;
    }
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** JSON with object keys sorted, so equal conditions written in any key order share a key. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return (
      '{' +
      Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort()
        .map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k]))
        .join(',') +
      '}'
    );
  }
  return JSON.stringify(v) ?? 'null';
}
