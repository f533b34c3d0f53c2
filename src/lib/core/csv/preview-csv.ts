/**
 * Reads the head of a chosen file (1 MiB, up to 1,000 records — further when the header and a
 * first row are longer) and tells the import dialog what it is: encoding, delimiter, headers,
 * samples, inferred fields and suggested identity or event mapping, or the problem that stops
 * the file (empty, binary, bad header, bad quotes).
 */
import {
  bomLengthFor,
  detectEncoding,
  looksBinary,
  strayNulAt,
  tooManyControls
} from './detect-encoding';
import { inferFields, suggestEventMapping, suggestIdentity } from './infer-fields';
import { CsvChunkParser } from './parse-csv-chunks';
import { decodeWindows1252 } from './read-blob-text';
import { sniffDelimiter } from './sniff-delimiter';
import type { CsvEncoding, Delimiter, FilePreview, FileProblem } from './types';

/** How the user chose to read the file instead of what was detected. */
export interface PreviewOverrides {
  encoding?: CsvEncoding;
  delimiter?: Delimiter;
}

const HEAD_BYTES = 1 << 20;
/**
 * How far the preview reads to find the header and one row: a row can hold a 10 MB cell, but
 * a file whose first row goes on for this long has a quote left open, most likely.
 */
const MAX_FIRST_ROWS_BYTES = 256 << 20;
const MAX_ROWS = 1000;
const SAMPLE_ROWS = 20;
/** Sample cells are for the eye: a 10 MB cell is shown by its beginning. */
const SAMPLE_CHARS = 1000;

/**
 * Control characters (other than tab, CR, LF, form feed) in decoded text: for UTF-16 chosen by
 * the user, whose raw bytes are full of NULs, binary data shows up only once decoded.
 */
function textLooksBinary(text: string): boolean {
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return true;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) controls++;
  }
  return tooManyControls(controls, text.length);
}

/** Decodes the head, then the slices after it when the preview must read on. */
function headDecoder(encoding: CsvEncoding): (bytes: Uint8Array, more: boolean) => string {
  if (encoding === 'windows-1252') return (bytes) => decodeWindows1252(bytes);
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  // stream: a character cut by the end of a slice waits for the next one instead of becoming
  // U+FFFD (and is dropped at the end of what the preview reads).
  return (bytes, more) => decoder.decode(bytes, { stream: more });
}

function shorten(cell: string): string {
  return cell.length > SAMPLE_CHARS ? cell.slice(0, SAMPLE_CHARS) + '…' : cell;
}

/** The first header problem: an empty or duplicate column name (`line`: the header's line). */
export function headerProblem(headers: string[], line = 1): FileProblem | undefined {
  const seen = new Map<string, number>();
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i].trim();
    if (name === '') {
      return {
        message: `column ${i + 1} has no name in the header line (every column needs a name)`,
        line,
        column: `#${i + 1}`
      };
    }
    const first = seen.get(name.toLowerCase());
    if (first !== undefined) {
      return {
        message: `duplicate column name '${name}' in the header: columns ${first + 1} and ${i + 1}`,
        line,
        column: name
      };
    }
    seen.set(name.toLowerCase(), i);
  }
  return undefined;
}

/**
 * `overrides` read the file with an encoding or delimiter the user chose over the detected
 * ones; headers, samples, inferred fields and suggestions then come from that reading, and
 * `detected` keeps what detection had found.
 */
export async function previewCsv(
  blob: Blob,
  kind: 'contacts' | 'events',
  fileName = '',
  overrides: PreviewOverrides = {}
): Promise<FilePreview> {
  const size = blob.size;
  const head = new Uint8Array(await blob.slice(0, Math.min(size, HEAD_BYTES)).arrayBuffer());
  const detected = detectEncoding(head);
  const encoding = overrides.encoding ?? detected.encoding;
  const bomLength =
    encoding === detected.encoding ? detected.bomLength : bomLengthFor(head, encoding);
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  const preview: FilePreview = {
    fileName,
    size,
    encoding,
    hasBom: bomLength > 0,
    delimiter: ',',
    headers: [],
    sampleRows: [],
    fields: [],
    suggestedIdentity: null
  };
  const fail = (problem: FileProblem): FilePreview => ({ ...preview, problem });
  const name = fileName ? `'${fileName}' ` : '';
  if (size === 0) return fail({ message: `the file ${name}is empty` });
  const binary = {
    message: `the file ${name}is not a CSV text file: it contains binary data (is it a spreadsheet, an image or an archive? Export it as CSV first)`
  };
  // UTF-16 without a BOM (only ever chosen by the user) is judged once decoded.
  if (!(utf16 && bomLength === 0) && looksBinary(head)) {
    const nul = utf16 ? -1 : strayNulAt(head);
    if (nul < 0) return fail(binary);
    let line = 1;
    for (let i = 0; i < nul; i++) if (head[i] === 10) line++;
    return fail({
      message: `the file ${name}contains a NUL byte (a zero byte), which CSV text never holds: is it damaged, or saved in another encoding? Remove it or export the file again`,
      line
    });
  }
  const decode = headDecoder(encoding);
  const text = decode(head.subarray(bomLength), true);
  if (utf16 && bomLength === 0 && textLooksBinary(text)) return fail(binary);
  const truncated = size > head.length;
  if (!truncated && text.trim() === '') return fail({ message: `the file ${name}is empty` });
  const sniffed = sniffDelimiter(text.slice(0, 64 * 1024));
  preview.delimiter = overrides.delimiter ?? sniffed;
  if (encoding !== detected.encoding || preview.delimiter !== sniffed) {
    preview.detected = { encoding: detected.encoding, delimiter: sniffed };
  }
  const parser = new CsvChunkParser(preview.delimiter);
  // A truncated head ends in the middle of a record: push() keeps only complete ones.
  const { rows, lines } = parser.push(text);
  let read = head.length;
  // A header or first row longer than the head (a 10 MB cell): read on until both are whole.
  while (rows.length < 2 && read < size && read < MAX_FIRST_ROWS_BYTES && !parser.problem) {
    const next = new Uint8Array(await blob.slice(read, read + HEAD_BYTES).arrayBuffer());
    read += next.length;
    const more = parser.push(decode(next, read < size));
    rows.push(...more.rows);
    lines.push(...more.lines);
  }
  if (read >= size) {
    const last = parser.end();
    rows.push(...last.rows);
    lines.push(...last.lines);
  }
  if (parser.problem) return fail(parser.problem);
  if (rows.length < 2 && read < size) {
    return fail({
      message: `the ${rows.length === 0 ? 'header' : 'first row'} of the file is longer than ${MAX_FIRST_ROWS_BYTES >> 20} MiB: is a quote left open, or is it really a CSV file?`,
      line: lines[rows.length - 1] ?? 1
    });
  }
  if (rows.length === 0) return fail({ message: `the file ${name}is empty` });
  const headers = rows[0];
  preview.headers = headers;
  const problem = headerProblem(headers, lines[0]);
  if (problem) return fail(problem);
  const body = rows.slice(1, MAX_ROWS + 1);
  if (body.length === 0)
    return fail({ message: 'the file has a header but no rows', line: lines[0] });
  preview.sampleRows = body.slice(0, SAMPLE_ROWS).map((row) => row.map(shorten));
  preview.fields = inferFields(headers, body);
  for (const f of preview.fields) f.samples = f.samples.map(shorten);
  if (kind === 'contacts') {
    preview.suggestedIdentity = suggestIdentity(preview.fields, body);
  } else {
    preview.suggestedMapping = suggestEventMapping(preview.fields);
  }
  return preview;
}
