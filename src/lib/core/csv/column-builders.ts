/**
 * Growable columns for the importers: typed arrays that double when full and, for strings, a
 * dictionary (dict[0] === '') with an index from value to code (string-dictionary.ts). No object
 * per row, so that a million-row file builds in the time it takes to parse it.
 */
import type { BooleanColumn, Column, NumberColumn, StringColumn } from '../columns/types';
import { StringDictionary } from './string-dictionary';

type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float64Array;

/** A copy of `array` with room for `capacity` items; new items are 0 (NaN for `fill`). */
export function growTypedArray<T extends TypedArray>(array: T, capacity: number, fill?: number): T {
  const Ctor = array.constructor as new (n: number) => T;
  const next = new Ctor(capacity);
  next.set(array as never);
  if (fill !== undefined) next.fill(fill, array.length);
  return next;
}

export function nextCapacity(current: number, needed: number): number {
  return Math.max(needed, current * 2, 1024);
}

export interface ColumnBuilder {
  readonly kind: Column['kind'];
  /** Makes rows [0, rowCount) addressable; new rows are empty. */
  ensure(rowCount: number): void;
  isEmpty(row: number): boolean;
  finish(rowCount: number): Column;
}

export class StringColumnBuilder implements ColumnBuilder {
  readonly kind = 'string';
  codes: Uint32Array;
  private readonly dictionary: StringDictionary;

  constructor(existing?: StringColumn, rowCount = 0) {
    this.codes = new Uint32Array(nextCapacity(0, rowCount));
    if (existing) this.codes.set(existing.codes.subarray(0, rowCount));
    this.dictionary = new StringDictionary(existing ? existing.dict : ['']);
  }

  /** code -> value; dict[0] === ''. */
  get dict(): string[] {
    return this.dictionary.values;
  }

  ensure(rowCount: number): void {
    if (rowCount > this.codes.length) {
      this.codes = growTypedArray(this.codes, nextCapacity(this.codes.length, rowCount));
    }
  }

  codeOf(value: string): number {
    return this.dictionary.codeOf(value);
  }

  /** The code of `value`, or -1 when it is not in the dictionary (nothing is added). */
  lookup(value: string): number {
    return this.dictionary.lookup(value);
  }

  /** Adds `value`, known to be absent (its lookup just missed), and returns its code. */
  append(value: string): number {
    return this.dictionary.append(value);
  }

  /** Makes `value` find the entry `code` too (e.g. a normalised spelling of it). */
  alias(value: string, code: number): void {
    this.dictionary.alias(value, code);
  }

  set(row: number, value: string): void {
    this.codes[row] = this.dictionary.codeOf(value);
  }

  get(row: number): string {
    return this.dictionary.values[this.codes[row]];
  }

  isEmpty(row: number): boolean {
    return this.codes[row] === 0;
  }

  finish(rowCount: number): StringColumn {
    return { kind: 'string', codes: this.codes.slice(0, rowCount), dict: this.dictionary.values };
  }
}

export class NumberColumnBuilder implements ColumnBuilder {
  readonly kind = 'number';
  values: Float64Array;

  constructor(existing?: NumberColumn, rowCount = 0) {
    this.values = new Float64Array(nextCapacity(0, rowCount)).fill(NaN);
    if (existing) this.values.set(existing.values.subarray(0, rowCount));
  }

  ensure(rowCount: number): void {
    if (rowCount > this.values.length) {
      this.values = growTypedArray(this.values, nextCapacity(this.values.length, rowCount), NaN);
    }
  }

  isEmpty(row: number): boolean {
    return Number.isNaN(this.values[row]);
  }

  finish(rowCount: number): NumberColumn {
    return { kind: 'number', values: this.values.slice(0, rowCount) };
  }
}

export class BooleanColumnBuilder implements ColumnBuilder {
  readonly kind = 'boolean';
  values: Uint8Array;

  constructor(existing?: BooleanColumn, rowCount = 0) {
    this.values = new Uint8Array(nextCapacity(0, rowCount));
    if (existing) this.values.set(existing.values.subarray(0, rowCount));
  }

  ensure(rowCount: number): void {
    if (rowCount > this.values.length) {
      this.values = growTypedArray(this.values, nextCapacity(this.values.length, rowCount));
    }
  }

  isEmpty(row: number): boolean {
    return this.values[row] === 0;
  }

  finish(rowCount: number): BooleanColumn {
    return { kind: 'boolean', values: this.values.slice(0, rowCount) };
  }
}

export type AnyColumnBuilder = StringColumnBuilder | NumberColumnBuilder | BooleanColumnBuilder;

export function builderFor(
  kind: Column['kind'],
  existing?: Column,
  rowCount = 0
): AnyColumnBuilder {
  if (kind === 'string') {
    return new StringColumnBuilder(existing?.kind === 'string' ? existing : undefined, rowCount);
  }
  if (kind === 'number') {
    return new NumberColumnBuilder(existing?.kind === 'number' ? existing : undefined, rowCount);
  }
  return new BooleanColumnBuilder(existing?.kind === 'boolean' ? existing : undefined, rowCount);
}
