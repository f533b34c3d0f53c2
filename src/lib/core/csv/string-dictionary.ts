/**
 * A string -> code dictionary for dictionary-encoded columns (code 0 is always ''), over a Map.
 *
 * Measured with `npm run bench -- --only string-dictionary` (the 13 string columns of the
 * contacts import, 11.6 M values, 2.8 M distinct, built batch by batch as the importer does,
 * compaction included; 2-core Intel Xeon VM, 23 GB, Node 20, shared with other jobs): at 1 M
 * contacts this Map-based dictionary took 2708 ms median against 3734 ms for the hand-written
 * open-addressing table with read-ahead it replaced (the Map 1.38× faster; a second run on a
 * busier machine: 4147 against 5892 ms, 1.42×); at 100 k, 158 against 146 ms (the table 1.08×
 * faster, short of the 1.3× that would have justified keeping it). The table lives on only as
 * that benchmark's peer, in tests/bench/lib/open-addressing-dictionary.ts.
 */

/** Values this long are slices of the parsed text in V8; shorter ones are copies already. */
const SLICED_LENGTH = 13;

/**
 * Replaces `list[code]` for each of `codes` by a slice of one new string holding them all, so
 * that they stop keeping alive the larger text they were sliced from: one join, one slice each.
 */
export function copyOutOfText(list: string[], codes: readonly number[]): void {
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

export class StringDictionary {
  /** code -> value; list[0] === ''. */
  private readonly list: string[];
  private readonly codes = new Map<string, number>();
  /**
   * Codes whose value is still a slice of the parsed text. Kept as they are, a dictionary of a
   * million emails would keep the whole file's text alive; compact() copies them into one
   * string of their own.
   */
  private pending: number[] = [];
  /** Other spellings that find a code (e.g. the normalised form of a stored identity). */
  private aliases: Map<string, number> | undefined;

  /** A dictionary over `values` (a copy; '' is put first if it is not). */
  constructor(values: string[] = ['']) {
    this.list = values.length > 0 && values[0] === '' ? values.slice() : ['', ...values];
    // Backwards: of two equal stored values, the first code is the one found.
    for (let code = this.list.length - 1; code >= 0; code--) this.codes.set(this.list[code], code);
  }

  get size(): number {
    return this.list.length;
  }

  /** code -> value; values[0] === ''. */
  get values(): string[] {
    this.compact();
    return this.list;
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

  /** The code of `value` (or of a value it is an alias of), or -1; nothing is added. */
  lookup(value: string): number {
    return this.codes.get(value) ?? this.aliases?.get(value) ?? -1;
  }

  /** The code of `value`, added if new (an alias is not a value: it gets a code of its own). */
  codeOf(value: string): number {
    return this.codes.get(value) ?? this.append(value);
  }

  /** Adds `value`, known to be absent (its lookup just missed), and returns its code. */
  append(value: string): number {
    const code = this.list.length;
    this.list.push(value);
    this.codes.set(value, code);
    if (value.length >= SLICED_LENGTH) this.pending.push(code);
    return code;
  }

  /** Makes `alias` find `code` too, unless `alias` is a value of its own. */
  alias(alias: string, code: number): void {
    if (this.codes.has(alias)) return;
    this.aliases ??= new Map();
    if (!this.aliases.has(alias)) this.aliases.set(alias, code);
  }
}
