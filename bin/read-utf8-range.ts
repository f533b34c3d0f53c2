/**
 * Decodes bytes `start` … `end` of a Blob as strict UTF-8, a slice at a time. For the parallel
 * report: each thread reads its own range, and any byte that is not UTF-8 throws, so that the
 * caller falls back to one reading of the whole file (which alone knows whether the file is
 * Windows-1252 after all, and names the right byte).
 */

/** Slices read ahead of the one being decoded, so a busy disk does not stall the parse. */
const READ_AHEAD = 4;

export async function* readUtf8Range(
  blob: Blob,
  start: number,
  end: number,
  chunkBytes = 1 << 20
): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const pending: Promise<Uint8Array>[] = [];
  let requested = start;
  const requestAhead = () => {
    while (pending.length < READ_AHEAD && requested < end) {
      const to = Math.min(end, requested + chunkBytes);
      pending.push(
        blob
          .slice(requested, to)
          .arrayBuffer()
          .then((b) => new Uint8Array(b))
      );
      requested = to;
    }
  };
  requestAhead();
  while (pending.length > 0) {
    const bytes = await (pending.shift() as Promise<Uint8Array>);
    requestAhead();
    const text = decoder.decode(bytes, { stream: true });
    if (text) yield text;
  }
  const tail = decoder.decode();
  if (tail) yield tail;
}
