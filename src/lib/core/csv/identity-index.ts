/**
 * Finds a contact's row from its normalised identity during an import. For a string identity
 * the identity column's own dictionary is the index (one Map for both: a million-row import
 * pays for one hash table, not two); a number identity uses a Map of its canonical text.
 */
import type { Column, FieldType } from '../columns/types';
import { growTypedArray, nextCapacity, StringColumnBuilder } from './column-builders';
import { normaliseIdentity } from './normalise-identity';

export interface IdentityIndex {
  /** Row of the contact with this key, or -1. */
  find(key: string): number;
  add(key: string, row: number): void;
}

class StringIdentityIndex implements IdentityIndex {
  private rowOfCode: Int32Array;
  // The last lookup, so that adding a key just found absent costs no second lookup.
  private lastKey = '';
  private lastCode = 0;

  constructor(
    private readonly builder: StringColumnBuilder,
    existingRows: number,
    type: FieldType
  ) {
    const dict = builder.dict;
    this.rowOfCode = new Int32Array(nextCapacity(0, dict.length)).fill(-1);
    for (let r = 0; r < existingRows; r++) this.rowOfCode[builder.codes[r]] = r;
    // Stored values written before normalisation still match their normalised spelling.
    for (let code = 1; code < dict.length; code++) {
      const key = normaliseIdentity(dict[code], type);
      if (key !== dict[code]) builder.alias(key, code);
    }
  }

  find(key: string): number {
    const code = this.builder.lookup(key);
    this.lastKey = key;
    this.lastCode = code;
    return code === -1 || code >= this.rowOfCode.length ? -1 : this.rowOfCode[code];
  }

  add(key: string, row: number): void {
    const code =
      key !== this.lastKey
        ? this.builder.codeOf(key)
        : this.lastCode === -1
          ? this.builder.append(key)
          : this.lastCode;
    if (code >= this.rowOfCode.length) {
      this.rowOfCode = growTypedArray(
        this.rowOfCode,
        nextCapacity(this.rowOfCode.length, code + 1),
        -1
      );
    }
    this.rowOfCode[code] = row;
    this.builder.codes[row] = code;
  }
}

class MapIdentityIndex implements IdentityIndex {
  private readonly rows = new Map<string, number>();

  constructor(existing: Column | undefined, existingRows: number, type: FieldType) {
    if (existing?.kind === 'number') {
      for (let r = 0; r < existingRows; r++) this.rows.set(String(existing.values[r]), r);
    } else if (existing?.kind === 'string') {
      const keys = existing.dict.map((v) => normaliseIdentity(v, type));
      for (let r = 0; r < existingRows; r++) this.rows.set(keys[existing.codes[r]], r);
    }
  }

  find(key: string): number {
    return this.rows.get(key) ?? -1;
  }

  add(key: string, row: number): void {
    this.rows.set(key, row);
  }
}

/**
 * The index for an identity column being built. With a StringColumnBuilder, `add` also writes
 * the identity cell of the row (the builder must already have room for it).
 */
export function createIdentityIndex(
  builder: unknown,
  existing: Column | undefined,
  existingRows: number,
  type: FieldType
): IdentityIndex {
  if (builder instanceof StringColumnBuilder)
    return new StringIdentityIndex(builder, existingRows, type);
  return new MapIdentityIndex(existing, existingRows, type);
}
