/**
 * MD5 (RFC 1321) over the UTF-8 bytes of a string, for `sample` conditions: the bucket of a
 * contact must be computable identically in SQL, and md5() is the hash that DuckDB and
 * PostgreSQL both have built in. Not used for anything security-related.
 */

const S = [
  7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
  20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6,
  10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21
];

const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0;

const encoder = new TextEncoder();

const shortBlock = new Int32Array(16);

/** The message block of a short ASCII string (most seeds + identities), or null. */
function asciiBlock(input: string): Int32Array | null {
  const len = input.length;
  if (len > 55) return null;
  const m = shortBlock;
  m.fill(0);
  for (let i = 0; i < len; i++) {
    const c = input.charCodeAt(i);
    if (c > 0x7f) return null;
    m[i >>> 2] |= c << ((i & 3) * 8);
  }
  m[len >>> 2] |= 0x80 << ((len & 3) * 8);
  m[14] = len * 8;
  return m;
}

/** The four digest words (little-endian words, as MD5 defines them). */
function md5Words(input: string): Int32Array {
  return compress(asciiBlock(input) ?? padded(encoder.encode(input)));
}

function padded(bytes: Uint8Array): Int32Array {
  const len = bytes.length;
  const blocks = ((len + 8) >>> 6) + 1;
  const m = new Int32Array(blocks * 16);
  for (let i = 0; i < len; i++) m[i >>> 2] |= bytes[i] << ((i & 3) * 8);
  m[len >>> 2] |= 0x80 << ((len & 3) * 8);
  const bitLen = len * 8;
  m[blocks * 16 - 2] = bitLen | 0;
  m[blocks * 16 - 1] = Math.floor(bitLen / 2 ** 32) | 0;
  return m;
}

function compress(m: Int32Array): Int32Array {
  let a0 = 0x67452301 | 0;
  let b0 = 0xefcdab89 | 0;
  let c0 = 0x98badcfe | 0;
  let d0 = 0x10325476 | 0;
  for (let off = 0; off < m.length; off += 16) {
    let a = a0;
    let b = b0;
    let c = c0;
    let d = d0;
    for (let i = 0; i < 64; i++) {
      let f: number;
      let g: number;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      const sum = (a + f + K[i] + m[off + g]) | 0;
      a = d;
      d = c;
      c = b;
      b = (b + ((sum << S[i]) | (sum >>> (32 - S[i])))) | 0;
    }
    a0 = (a0 + a) | 0;
    b0 = (b0 + b) | 0;
    c0 = (c0 + c) | 0;
    d0 = (d0 + d) | 0;
  }
  return Int32Array.of(a0, b0, c0, d0);
}

function byteSwap(w: number): number {
  return (
    (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | ((w >>> 24) & 0xff)) >>> 0
  );
}

/** Lowercase hex digest, as SQL md5() returns it. */
export function md5Hex(input: string): string {
  let out = '';
  for (const w of md5Words(input)) out += byteSwap(w).toString(16).padStart(8, '0');
  return out;
}

/** The first 8 hex digits of md5Hex(input) read as an unsigned 32-bit integer. */
export function md5Prefix32(input: string): number {
  return byteSwap(md5Words(input)[0]);
}
