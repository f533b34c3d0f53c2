/**
 * A string -> code dictionary for dictionary-encoded columns (code 0 is always ''): an
 * open-addressing hash table over typed arrays. At a million distinct values (emails, phones,
 * ids) a JS Map spends most of its time in cache misses walking its chains; here a probe
 * compares 32-bit hashes in a typed array and touches a string only when the hashes match.
 */

/** FNV-1a over UTF-16 code units. */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A copy of `value` that does not point into the text it was cut from. Parsed cells are slices
 * of the chunk of the file they came from: kept as they are, a dictionary of a million emails
 * would keep the whole file's text alive. Concatenating then slicing forces a fresh, flat copy
 * (V8 slices strings of 13 characters or more; shorter ones are copies already).
 */
function detach(value: string): string {
  return value.length < 13 ? value : (value + ' ').slice(0, -1);
}

export class StringDictionary {
  /** code -> value; values[0] === ''. */
  readonly values: string[];
  private hashes: Uint32Array;
  /** Pairs per slot: [code + 1 (0 = free), hash]; the hash sits in the probed cache line. */
  private slots: Int32Array;
  private mask = 0;
  /** Other spellings that find a code (e.g. the normalised form of a stored identity). */
  private aliases: Map<string, number> | undefined;

  /** A dictionary over `values` (a copy; '' is put first if it is not). */
  constructor(values: string[] = ['']) {
    this.values = values.length > 0 && values[0] === '' ? values.slice() : ['', ...values];
    this.hashes = new Uint32Array(Math.max(1024, this.values.length * 2));
    for (let code = 0; code < this.values.length; code++) {
      this.hashes[code] = hashOf(this.values[code]);
    }
    this.slots = new Int32Array(0);
    this.rehash(this.values.length);
  }

  get size(): number {
    return this.values.length;
  }

  private rehash(count: number): void {
    let size = 1024;
    while (size < count * 2) size *= 2;
    this.slots = new Int32Array(size * 2);
    this.mask = size - 1;
    // In code order: of two equal stored values, the first code is found first.
    for (let code = 0; code < this.values.length; code++) this.place(code, this.hashes[code]);
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
      if (slots[2 * i + 1] === signed && this.values[c - 1] === value) return c - 1;
    }
  }

  private add(value: string, h: number): number {
    const code = this.values.length;
    this.values.push(detach(value));
    if (code >= this.hashes.length) {
      const next = new Uint32Array(this.hashes.length * 2);
      next.set(this.hashes);
      this.hashes = next;
    }
    this.hashes[code] = h;
    if ((code + 1) * 2 > this.mask + 1) this.rehash(code + 1);
    else this.place(code, h);
    return code;
  }

  /** The code of `value` (or of a value it is an alias of), or -1; nothing is added. */
  lookup(value: string): number {
    const code = this.find(value, hashOf(value));
    if (code !== -1 || this.aliases === undefined) return code;
    return this.aliases.get(value) ?? -1;
  }

  /** The code of `value`, added if new. */
  codeOf(value: string): number {
    const h = hashOf(value);
    const code = this.find(value, h);
    return code !== -1 ? code : this.add(value, h);
  }

  /** Adds `value`, known to be absent (its lookup just missed), and returns its code. */
  append(value: string): number {
    return this.add(value, hashOf(value));
  }

  /** Makes `alias` find `code` too, unless `alias` is a value of its own. */
  alias(alias: string, code: number): void {
    if (this.find(alias, hashOf(alias)) !== -1) return;
    this.aliases ??= new Map();
    if (!this.aliases.has(alias)) this.aliases.set(alias, code);
  }
}
