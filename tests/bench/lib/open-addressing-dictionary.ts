/**
 * The hand-written dictionary the import used until the string-dictionary benchmark measured it
 * against a Map (see src/lib/core/csv/string-dictionary.ts for the figures); kept here only as
 * that benchmark's peer, cut down to what it calls. A string -> code dictionary (code 0 is always ''): an
 * open-addressing hash table over typed arrays. At a million distinct values (emails, phones,
 * ids) a JS Map spends most of its time in cache misses walking its chains; here a probe
 * compares 32-bit hashes in a typed array and touches a string only when the hashes match
 * (the premise the measurement did not bear out: the Map is faster at 1M contacts).
 */
/**
 * Replaces `list[code]` for each of `codes` by a slice of one new string holding them all, so
 * that they stop keeping alive the larger text they were sliced from: one join, one slice each.
 */
function copyOutOfText(list: string[], codes: readonly number[]): void {
  // One value alone would come back as itself from join(): copy it by concatenation.
  const arena =
    codes.length === 1 ? (list[codes[0]] + ' ').slice(0, -1) : codes.map((c) => list[c]).join('');
  let at = 0;
  for (const code of codes) {
    const length = list[code].length;
    list[code] = arena.slice(at, at + length);
    at += length;
  }
}

/** FNV-1a over UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Values this long are slices of the parsed text in V8; shorter ones are copies already. */
const SLICED_LENGTH = 13;

export class OpenAddressingDictionary {
  /** code -> value; list[0] === ''. */
  private readonly list: string[];
  /**
   * Codes whose value is still a slice of the parsed text. Kept as they are, a dictionary of a
   * million emails would keep the whole file's text alive; compact() copies them into one
   * string of their own.
   */
  private pending: number[] = [];
  private hashes: Uint32Array;
  /** Pairs per slot: [code + 1 (0 = free), hash]; the hash sits in the probed cache line. */
  private slots: Int32Array;
  private mask = 0;
  /** What prepare() read, kept so that its reads are not optimised away. */
  touched = 0;

  /** A dictionary over `values` (a copy; '' is put first if it is not). */
  constructor(values: string[] = ['']) {
    this.list = values.length > 0 && values[0] === '' ? values.slice() : ['', ...values];
    this.hashes = new Uint32Array(Math.max(1024, this.list.length * 2));
    for (let code = 0; code < this.list.length; code++) {
      this.hashes[code] = hashOf(this.list[code]);
    }
    this.slots = new Int32Array(0);
    this.rehash(this.list.length);
  }

  /**
   * Copies the values added since the last call into one new string and keeps slices of it:
   * one join and one slice per value, instead of the parsed text staying alive. Importers call
   * it after each batch of records.
   */
  compact(): void {
    if (this.pending.length === 0) return;
    copyOutOfText(this.list, this.pending);
    this.pending = [];
  }

  private rehash(count: number): void {
    let size = 1024;
    while (size < count * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
    // In code order: of two equal stored values, the first code is found first.
    for (let code = 0; code < this.list.length; code++) this.place(code, this.hashes[code]);
  }

  private place(code: number, h: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let i = h & mask;
    while (slots[2 * i] !== 0) i = (i + 1) & mask;
    slots[2 * i] = code + 1;
    slots[2 * i + 1] = h;
  }

  private find(value: string, h: number): number {
    const slots = this.slots;
    const mask = this.mask;
    const signed = h | 0;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const c = slots[2 * i];
      if (c === 0) return -1;
      if (slots[2 * i + 1] === signed && this.list[c - 1] === value) return c - 1;
    }
  }

  private add(value: string, h: number): number {
    const code = this.list.length;
    this.list.push(value);
    if (value.length >= SLICED_LENGTH) this.pending.push(code);
    if (code >= this.hashes.length) {
      const next = new Uint32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[code] = h;
    // Growing fourfold halves the rehashing of million-value columns (load stays <= 1/2).
    if ((code + 1) * 2 > this.mask + 1) this.rehash((code + 1) * 2);
    else this.place(code, h);
    return code;
  }

  /**
   * Puts the hashes of values [from, to) in `hashes` (same indices) and reads the table slot
   * each one starts at. Done for a batch before its lookups, the cache misses of a million-value
   * table overlap instead of coming one after another: a third faster in measurements.
   */
  prepare(values: string[], from: number, to: number, hashes: Uint32Array): void {
    for (let i = from; i < to; i++) hashes[i] = hashOf(values[i]);
    const slots = this.slots;
    const mask = this.mask;
    let touched = 0;
    for (let i = from; i < to; i++) touched ^= slots[2 * (hashes[i] & mask)];
    this.touched = touched;
  }

  /** codeOf() of a value whose hash is `h` (from prepare()). */
  codeOfHashed(value: string, h: number): number {
    const code = this.find(value, h);
    return code !== -1 ? code : this.add(value, h);
  }
}
