/**
 * Streams a Blob (a browser File, or `fs.openAsBlob` in Node) as decoded text, slice by slice,
 * so that a 160 MB file never sits in memory as one string.
 */
import type { CsvEncoding, FileProblem } from './types';

/** A read error users can cause (bytes that are not text in the detected encoding). */
export class CsvReadError extends Error {
  constructor(readonly problem: FileProblem) {
    super(problem.message);
    this.name = 'CsvReadError';
  }
}

// Windows-1252 bytes 0x80-0x9F; Node 20's TextDecoder decodes them as Latin-1 controls.
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const C1_CONTROLS = /[\u0080-\u009f]/g;
let nativeCp1252: boolean | undefined;

function hasNativeCp1252(): boolean {
  nativeCp1252 ??= new TextDecoder('windows-1252').decode(new Uint8Array([0x80])) === '\u20ac';
  return nativeCp1252;
}

/** Decodes Windows-1252 bytes correctly everywhere (single-byte: no state between slices). */
export function decodeWindows1252(bytes: Uint8Array): string {
  const text = new TextDecoder('windows-1252').decode(bytes);
  if (hasNativeCp1252()) return text;
  return text.replace(C1_CONTROLS, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]);
}

interface Decoder {
  decode(bytes: Uint8Array | undefined, stream: boolean): string;
}

function makeDecoder(encoding: CsvEncoding): Decoder {
  if (encoding === 'windows-1252') {
    return { decode: (bytes) => (bytes ? decodeWindows1252(bytes) : '') };
  }
  // Fatal for UTF-8: invalid bytes must not become U+FFFD silently (see readBlobText).
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8', ignoreBOM: true });
  return { decode: (bytes, stream) => decoder.decode(bytes, { stream }) };
}

/** Slices read ahead of the one being decoded. */
const READ_AHEAD = 4;

/**
 * Decodes `blob` from byte `bomLength` on, `chunkBytes` at a time.
 * A file detected as UTF-8 from its beginning may turn out to be Windows-1252 further on (an
 * ASCII head, accents later); when every byte before was ASCII, both encodings agree on them,
 * so decoding switches to Windows-1252 without loss. Otherwise it throws a CsvReadError.
 */
export async function* readBlobText(
  blob: Blob,
  encoding: CsvEncoding,
  bomLength: number,
  chunkBytes = 1 << 20,
  onBytes?: (bytesRead: number) => void
): AsyncIterable<string> {
  const size = blob.size;
  let current = encoding;
  let decoder = makeDecoder(current);
  let position = bomLength;
  let bytesDecoded = 0;
  let charsDecoded = 0;
  const read = (from: number) =>
    from < size
      ? blob
          .slice(from, Math.min(size, from + chunkBytes))
          .arrayBuffer()
          .then((b) => new Uint8Array(b))
      : Promise.resolve(null);
  // The next slices are read while this one is decoded and parsed: a few ahead, so that a
  // read held up by a busy disk or browser process does not stall the import.
  const pending: Promise<Uint8Array | null>[] = [];
  let requested = position;
  const requestAhead = () => {
    while (pending.length < READ_AHEAD && requested < size) {
      pending.push(read(requested));
      requested = Math.min(size, requested + chunkBytes);
    }
  };
  requestAhead();
  while (position < size) {
    const bytes = await pending.shift();
    if (!bytes) break;
    position += bytes.length;
    requestAhead();
    let text: string;
    try {
      text = decoder.decode(bytes, true);
    } catch {
      if (current === 'utf-8' && charsDecoded === bytesDecoded) {
        current = 'windows-1252';
        decoder = makeDecoder(current);
        text = decoder.decode(bytes, true);
      } else {
        throw new CsvReadError({
          message: `the file is not valid ${current.toUpperCase()} text: unreadable bytes between byte ${
            position - bytes.length
          } and ${position} (save it again as UTF-8)`
        });
      }
    }
    bytesDecoded += bytes.length;
    charsDecoded += text.length;
    onBytes?.(position);
    if (text) yield text;
  }
  let tail: string;
  try {
    tail = decoder.decode(undefined, false);
  } catch {
    throw new CsvReadError({
      message: `the file is not valid ${current.toUpperCase()} text: it ends in the middle of a character`
    });
  }
  if (tail) yield tail;
}
