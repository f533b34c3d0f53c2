/**
 * EvalCache: what the segment evaluator keeps between evaluations of the same data, within one
 * memory budget, least recently used dropped first.
 * - Condition results: while a user edits a definition, each keystroke re-evaluates a tree
 *   whose conditions are mostly unchanged; their bitsets are looked up by canonical JSON (plus
 *   `now`/time zone when the condition depends on them).
 * - Condition results computed under a mask (a text rule over a dictionary with an entry per
 *   contact is only tested on the rows the other conditions leave), with the mask they hold on.
 * - Derived data: per-dictionary text results, per-column sample hashes (see evaluate.ts,
 *   sample.ts), keyed by the dictionary or column they come from.
 * Everything is dropped when the data change (other table objects or another dataVersion).
 * The engine holds one per loaded campaign (campaign-cache.ts), dropped with it; an evaluation
 * given none uses a fresh one of its own, so nothing outlives it.
 */
import type { ContactTable, EventTable } from '../columns/types';
import type { Bitset } from '../columns/bitset';

export interface EvalCacheOptions {
  /**
   * Memory budget for everything held; default 128 MiB: at a million contacts, per-plan text
   * results (1 MB each), sample hashes (8 MB a seed) and a few hundred condition bitsets
   * (128 KB each).
   */
  maxBytes?: number;
}

interface Entry {
  value: unknown;
  bytes: number;
  /** Whether it is a condition result (counted in `size`). */
  condition: boolean;
}

export class EvalCache {
  private readonly maxBytes: number;
  private readonly entries = new Map<string, Entry>();
  /** Ids of the dictionaries and columns derived data are keyed by (cleared with them). */
  private readonly owners = new Map<object, number>();
  private bytes = 0;
  private conditions = 0;
  private contacts: ContactTable | null = null;
  private events: EventTable | null = null;
  private version: unknown = undefined;
  hits = 0;
  misses = 0;

  constructor(options: EvalCacheOptions = {}) {
    this.maxBytes = options.maxBytes ?? 128 * 1024 * 1024;
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

  /** A condition's cached bitset. */
  get(key: string): Bitset | undefined {
    const e = this.touch(key);
    if (e === undefined || !e.condition) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return e.value as Bitset;
  }

  has(key: string): boolean {
    return this.entries.get(key)?.condition === true;
  }

  /** Stores a condition's bitset; the cache owns it from now on and callers must not mutate it. */
  set(key: string, bits: Bitset): void {
    this.put(key, { value: bits, bytes: bits.byteLength, condition: true });
  }

  /**
   * A condition's bitset computed under a mask (valid on the mask's rows only), if one is held
   * whose mask covers every row of `mask`. A full result (get) is looked up first.
   */
  getPartial(key: string, mask: Bitset | null): Bitset | undefined {
    if (mask === null) return undefined;
    const e = this.touch(`~${key}`);
    if (e === undefined) return undefined;
    const held = e.value as { bits: Bitset; mask: Bitset };
    if (held.mask.length !== mask.length) return undefined;
    for (let w = 0; w < mask.length; w++) if ((mask[w] & ~held.mask[w]) !== 0) return undefined;
    this.hits++;
    return held.bits;
  }

  /** Keeps a bitset computed under `mask` (copied; the cache owns `bits` from now on). */
  setPartial(key: string, bits: Bitset, mask: Bitset): void {
    const value = { bits, mask: mask.slice() };
    this.put(`~${key}`, { value, bytes: bits.byteLength * 2, condition: false });
  }

  /**
   * The value `name` derived from `owner` (a dictionary array, a column): the one held if
   * `fresh` accepts it, else made by `make` and kept while the budget allows.
   */
  derive<T>(
    owner: object,
    name: string,
    make: () => T,
    bytes: (value: T) => number,
    fresh: (value: T) => boolean = () => true
  ): T {
    const key = this.derivedKey(owner, name);
    const held = this.touch(key);
    if (held !== undefined && fresh(held.value as T)) return held.value as T;
    const value = make();
    this.put(key, { value, bytes: bytes(value), condition: false });
    return value;
  }

  /** The value `name` derived from `owner` if held (not marked as used). */
  peek<T>(owner: object, name: string): T | undefined {
    const id = this.owners.get(owner);
    return id === undefined ? undefined : (this.entries.get(`#${id}:${name}`)?.value as T);
  }

  /** Drops everything held (benchmarks call it between runs to time first evaluations). */
  clear(): void {
    this.entries.clear();
    this.owners.clear();
    this.bytes = 0;
    this.conditions = 0;
  }

  /** Condition results held. */
  get size(): number {
    return this.conditions;
  }

  /** Bytes held, condition results and derived data together. */
  get byteSize(): number {
    return this.bytes;
  }

  private derivedKey(owner: object, name: string): string {
    let id = this.owners.get(owner);
    if (id === undefined) {
      id = this.owners.size;
      this.owners.set(owner, id);
    }
    // Condition keys are canonical JSON: never starting with '#' (or '~', partial results).
    return `#${id}:${name}`;
  }

  /** The entry, re-inserted to mark it most recently used. */
  private touch(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  private put(key: string, entry: Entry): void {
    this.remove(key);
    if (entry.bytes > this.maxBytes) return;
    this.entries.set(key, entry);
    this.bytes += entry.bytes;
    if (entry.condition) this.conditions++;
    for (const k of this.entries.keys()) {
      if (this.bytes <= this.maxBytes) break;
      this.remove(k);
    }
  }

  private remove(key: string): void {
    const old = this.entries.get(key);
    if (old === undefined) return;
    this.entries.delete(key);
    this.bytes -= old.bytes;
    if (old.condition) this.conditions--;
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
