import { describe, expect, it } from 'vitest';
import { sniffDelimiter } from '$lib/core/csv';

describe('sniffDelimiter', () => {
  it('finds each candidate', () => {
    expect(sniffDelimiter('a,b,c\n1,2,3\n4,5,6\n')).toBe(',');
    expect(sniffDelimiter('a;b;c\r\n1;2;3\r\n')).toBe(';');
    expect(sniffDelimiter('a\tb\tc\n1\t2\t3\n')).toBe('\t');
    expect(sniffDelimiter('a|b|c\n1|2|3\n')).toBe('|');
  });

  it('prefers the delimiter consistent with the header over decimal commas', () => {
    const sample = 'nom;score;ville\nAnne;12,5;Paris\nLuc;7,25;Lyon\nMarc;3;Nice\n';
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('ignores delimiters inside quoted fields, newlines included', () => {
    const sample = 'name;note\n"Smith, John";"a,b,c\nd,e"\n"Doe, Jane";x\n';
    expect(sniffDelimiter(sample)).toBe(';');
  });

  it('defaults to a comma for a single column', () => {
    expect(sniffDelimiter('email\na@b.fr\n')).toBe(',');
    expect(sniffDelimiter('')).toBe(',');
  });
});
