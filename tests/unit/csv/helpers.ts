/**
 * Shared helpers of the CSV core tests: fixture files as Blobs, and whole-file parsing and
 * importing through the same streaming path the engine uses.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  createContactImporter,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type ContactImporterOptions,
  type Delimiter,
  type FileProblem
} from '$lib/core/csv';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/csv/', import.meta.url));

export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  const file = readFileSync(FIXTURES + name);
  const bytes = new Uint8Array(file.length);
  bytes.set(file);
  return bytes;
}

export function fixtureBlob(name: string): Blob {
  return new Blob([fixtureBytes(name)]);
}

async function* pieces(text: string, size: number): AsyncIterable<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** Parses `text` fed in pieces of `size` characters; all records (header first) and lines. */
export async function parseText(
  text: string,
  delimiter: Delimiter = ',',
  size = 1 << 20
): Promise<{ rows: string[][]; lines: number[]; problem?: FileProblem; count: number }> {
  const rows: string[][] = [];
  const lines: number[] = [];
  const result = await parseCsvChunks(pieces(text, size), { delimiter }, (r, l) => {
    rows.push(...r);
    lines.push(...l);
  });
  return { rows, lines, problem: result.problem, count: result.rows };
}

/** Previews then imports a Blob with the inferred fields (options can override any). */
export async function importBlob(
  blob: Blob,
  options: Partial<ContactImporterOptions> = {}
): Promise<ReturnType<ReturnType<typeof createContactImporter>['finish']>> {
  const preview = await previewCsv(blob, 'contacts');
  if (preview.problem) throw new Error(preview.problem.message);
  const importer = createContactImporter({
    fields: preview.fields,
    headers: preview.headers,
    identity: preview.suggestedIdentity ?? preview.fields[0].name,
    policy: 'update',
    delimiter: preview.delimiter,
    ...options
  });
  const result = await parseCsvChunks(
    readBlobText(
      blob,
      preview.encoding,
      preview.hasBom ? (preview.encoding === 'utf-8' ? 3 : 2) : 0
    ),
    { delimiter: preview.delimiter },
    (rows, lines) => importer.addRows(rows, lines)
  );
  if (result.problem) throw new Error(result.problem.message);
  return importer.finish();
}

/** Imports CSV text (comma-separated unless said otherwise). */
export function importText(
  text: string,
  options: Partial<ContactImporterOptions> = {}
): ReturnType<typeof importBlob> {
  return importBlob(new Blob([text]), options);
}
