/**
 * Zips files given as text chunks (warehouse-files.ts) with fflate, chunk by chunk: the
 * archive comes out as a list of byte parts for a Blob, never as one string or one buffer.
 */
import { Zip, ZipDeflate } from 'fflate';

export interface TextFile {
  path: string;
  chunks: () => Iterable<string>;
}

export function zipTextFiles(files: TextFile[]): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else parts.push(chunk);
  });
  const encoder = new TextEncoder();
  for (const file of files) {
    // Level 1: CSV compresses well even at the fastest level, and a million rows stay quick.
    const entry = new ZipDeflate(file.path, { level: 1 });
    zip.add(entry);
    for (const chunk of file.chunks()) entry.push(encoder.encode(chunk));
    entry.push(new Uint8Array(0), true);
  }
  zip.end();
  if (failure) throw failure;
  return parts;
}
