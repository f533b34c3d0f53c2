/**
 * A string -> code dictionary for dictionary-encoded columns (code 0 is always ''), over a Map.
 *
 * Measured with `npm run bench -- --only string-dictionary` (the 13 string columns of the
 * contacts import, 11.6 M values, 2.8 M distinct, built batch by batch as the importer does,
 * copies of the parsed text included; 2-core Intel Xeon VM, 23 GB, Node 20, shared with other jobs): at 1 M
 * contacts this Map-based dictionary took 2708 ms median against 3734 ms for the hand-written
 * open-addressing table with read-ahead it replaced (the Map 1.38× faster; a second run on a
 * busier machine: 4147 against 5892 ms, 1.42×); at 100 k, 158 against 146 ms (the table 1.08×
 * faster, short of the 1.3× that would have justified keeping it). Measured again once the Map
 * copied values on insertion (ownCopy, below; the table still copies batch by batch), on a
 * machine loaded several times over: 10954 against 12005 ms, the Map 1.10× faster. The table
 * lives on only as that benchmark's peer, in tests/bench/lib/open-addressing-dictionary.ts.
 */

/** Values this long are slices of the parsed text in V8; shorter ones are copies already. */
const SLICED_LENGTH = 13;

/**
 * `value` as a string of its own: a slice of the parsed text (what papaparse gives for a cell
 * of 13 characters or more) would keep that whole text alive as long as the dictionary, as its
 * value and as the Map's key (a Map keeps the key it was first given). Made at the insertion,
 * while the Map's bucket is still in cache. At 1 M contacts (Node 20) the heap after the import
 * is 337 MB instead of 704 MB with the batch-wise copy this replaced (one join per batch, which
 * copied the values but left the Map's keys sliced), for no more CPU time (10.8 and 12.0 s
 * against 11.8 and 13.6 s for the whole import, alternated runs); copying into the Map at the
 * end of each batch instead cost about 2 s more CPU over the 13 columns (7.0 against 4.1 to 5.2
 * s: the buckets had left the cache by then).
 */
export function ownCopy(value: string): string {
  // The concatenation is flattened into a string one character longer; the slice keeps only it.
  return value.length >= SLICED_LENGTH ? (value + '\0').slice(0, -1) : value;
}

export class StringDictionary {
  /** code -> value; list[0] === ''. */
  private readonly list: string[];
  private readonly codes = new Map<string, number>();
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
    return this.list;
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
    const own = ownCopy(value);
    this.list.push(own);
    this.codes.set(own, code);
    return code;
  }

  /** Makes `alias` find `code` too, unless `alias` is a value of its own. */
  alias(alias: string, code: number): void {
    if (this.codes.has(alias)) return;
    this.aliases ??= new Map();
    if (!this.aliases.has(alias)) this.aliases.set(alias, code);
  }
}
