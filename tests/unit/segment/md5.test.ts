import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { md5Hex, md5Prefix32 } from '../../../src/lib/core/segment/md5';
import { sampleBucket } from '../../../src/lib/core/segment/sample';

const reference = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

describe('md5', () => {
  it('matches the RFC 1321 test vectors and node:crypto', () => {
    expect(md5Hex('')).toBe('d41d8cd98f00b204e9800998ecf8427e');
    expect(md5Hex('abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    for (const n of [54, 55, 56, 63, 64, 65, 119, 120, 1000])
      expect(md5Hex('x'.repeat(n))).toBe(reference('x'.repeat(n)));
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 150 }), (s) => md5Hex(s) === reference(s)),
      {
        numRuns: 500
      }
    );
  });

  it('reads the first 8 hex digits as an unsigned integer, as the SQL does', () => {
    expect(md5Prefix32('abc')).toBe(0x90015098);
    // Value checked in DuckDB and PostgreSQL (docs/segments.md).
    expect(md5Prefix32('ab-testmarie@example.com')).toBe(2796555825);
    expect(sampleBucket('ab-test', 'marie@example.com', 10)).toBe(5);
    expect(sampleBucket('ab-test', '', 10)).toBe(-1);
  });
});
