/**
 * `slice inspect <file.csv> [--kind contacts|events] [--identity name] [--contacts file.csv]`:
 * what the import dialog would see (encoding, delimiter, fields and their types) and what an
 * import would do (a dry run of the same importer: rows read, rejected rows with line, column
 * and reason). A file-level problem exits 1 with its message.
 */
import { openFile } from '../open-file';
import type { ContactTable } from '../../src/lib/core/columns/types';
import {
  createEventImporter,
  detectEncoding,
  normaliseIdentity,
  parseCsvChunks,
  previewCsv,
  readBlobText,
  type FieldProposal,
  type FilePreview,
  type FileProblem,
  type RejectedRowDetail
} from '../../src/lib/core/csv/index';
import { defaultEventMapping, loadContactsCsv } from '../load-csv';

const DELIMITER_NAMES: Record<string, string> = {
  ',': 'comma (,)',
  ';': 'semicolon (;)',
  '\t': 'tab',
  '|': 'pipe (|)'
};

const ORDER_NAMES = { dmy: 'day/month/year', mdy: 'month/day/year', ymd: 'year-month-day' };

interface Args {
  file?: string;
  kind: 'contacts' | 'events';
  identity?: string;
  contacts?: string;
  error?: string;
}

function parseArgs(args: string[]): Args {
  const out: Args = { kind: 'contacts' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = () => {
      const v = args[++i];
      if (v === undefined) out.error = `${a} needs a value`;
      return v;
    };
    if (a === '--kind') {
      const v = value();
      if (v === 'contacts' || v === 'events') out.kind = v;
      else out.error = `--kind must be contacts or events, not '${v}'`;
    } else if (a.startsWith('--kind=')) {
      const v = a.slice(7);
      if (v === 'contacts' || v === 'events') out.kind = v;
      else out.error = `--kind must be contacts or events, not '${v}'`;
    } else if (a === '--identity') out.identity = value();
    else if (a === '--contacts') out.contacts = value();
    else if (a.startsWith('--')) out.error = `unknown option ${a}`;
    else if (out.file === undefined) out.file = a;
    else out.error = `unexpected argument '${a}'`;
  }
  if (!out.error && !out.file)
    out.error = 'which file? usage: slice inspect <file.csv> [--kind contacts|events]';
  return out;
}

function describeType(f: FieldProposal): string {
  let s: string = f.type;
  if (f.type === 'number' && f.decimal)
    s += f.decimal === ',' ? ' (decimal comma)' : ' (decimal point)';
  if ((f.type === 'date' || f.type === 'datetime') && f.dateOrder)
    s += ` (${ORDER_NAMES[f.dateOrder]})`;
  if (f.unreadable > 0) s += ` — ${f.unreadable} sample value(s) unreadable`;
  return s;
}

function printHeader(preview: FilePreview): void {
  console.log(`file: ${preview.fileName} (${preview.size} bytes)`);
  console.log(`encoding: ${preview.encoding}${preview.hasBom ? ' with BOM' : ' (no BOM)'}`);
  console.log(`delimiter: ${DELIMITER_NAMES[preview.delimiter] ?? preview.delimiter}`);
  console.log(`fields (${preview.fields.length}):`);
  const width = Math.max(4, ...preview.fields.map((f) => f.name.length));
  for (const f of preview.fields) console.log(`  ${f.name.padEnd(width)}  ${describeType(f)}`);
}

function printRejected(rejected: RejectedRowDetail[]): void {
  if (rejected.length === 0) return;
  console.log('rejected rows:');
  for (const r of rejected) {
    console.log(`  line ${r.line}${r.column ? `, column ${r.column}` : ''}: ${r.reason}`);
  }
}

/** One line, as the other commands write it: the command, the file, where and what. */
function fail(file: string, problem: FileProblem): number {
  const where =
    problem.line && !problem.message.includes(`line ${problem.line}`)
      ? ` (line ${problem.line})`
      : '';
  console.error(`slice inspect: ${file}: ${problem.message}${where}`);
  return 1;
}

async function inspectContacts(args: Args): Promise<number> {
  const file = args.file!;
  const preview = await previewCsv(await openFile(file), 'contacts', file);
  if (preview.problem) return fail(file, preview.problem);
  printHeader(preview);
  const identity = args.identity ?? preview.suggestedIdentity ?? preview.fields[0]?.name;
  console.log(
    `identity: ${identity}${args.identity ? '' : preview.suggestedIdentity ? ' (suggested)' : ' (first column: no identity column found)'}`
  );
  const loaded = await loadContactsCsv(file, { identity });
  if (loaded.problem) return fail(file, loaded.problem);
  const total = loaded.table.rowCount + loaded.rejected.length;
  console.log(
    `rows: ${total} (${loaded.table.rowCount} importable, ${loaded.rejected.length} rejected)`
  );
  printRejected(loaded.rejected);
  return 0;
}

/** Contacts made of every distinct contact value of the events file (no contacts given). */
async function contactsFromEvents(
  blob: Blob,
  preview: FilePreview,
  column: string
): Promise<ContactTable> {
  const j = preview.headers.findIndex((h) => h.trim() === column);
  const dict = [''];
  const seen = new Set<string>();
  const { bomLength } = detectEncoding(new Uint8Array(await blob.slice(0, 4).arrayBuffer()));
  let first = true;
  await parseCsvChunks(
    readBlobText(blob, preview.encoding, bomLength),
    { delimiter: preview.delimiter },
    (rows) => {
      for (let i = first ? 1 : 0; i < rows.length; i++) {
        const key = normaliseIdentity(rows[i][j] ?? '', 'text');
        if (key !== '' && !seen.has(key)) {
          seen.add(key);
          dict.push(key);
        }
      }
      first = false;
    }
  );
  const codes = new Uint32Array(dict.length - 1);
  for (let r = 0; r < codes.length; r++) codes[r] = r + 1;
  return {
    rowCount: codes.length,
    fields: [{ name: 'contact', type: 'text' }],
    identity: 'contact',
    columns: { contact: { kind: 'string', codes, dict } }
  };
}

async function inspectEvents(args: Args): Promise<number> {
  const file = args.file!;
  const blob = await openFile(file);
  const preview = await previewCsv(blob, 'events', file);
  if (preview.problem) return fail(file, preview.problem);
  printHeader(preview);
  const mapping = defaultEventMapping(preview);
  if (!mapping) {
    return fail(file, {
      message: `no contact, type and timestamp columns found (columns: ${preview.headers.join(', ')})`
    });
  }
  console.log(
    `mapping: contact=${mapping.contact} type=${mapping.type} target=${mapping.target ?? '(none)'} at=${mapping.at}` +
      (mapping.id ? ` id=${mapping.id}` : '') +
      (mapping.properties.length ? ` properties=${mapping.properties.join(',')}` : '')
  );
  let contacts: ContactTable;
  if (args.contacts) {
    const loaded = await loadContactsCsv(args.contacts, { identity: args.identity });
    if (loaded.problem)
      return fail(args.contacts, {
        message: loaded.problem.message,
        line: loaded.problem.line
      });
    contacts = loaded.table;
    console.log(
      `contacts: ${contacts.rowCount} from ${args.contacts} (identity ${contacts.identity})`
    );
  } else {
    contacts = await contactsFromEvents(blob, preview, mapping.contact);
    console.log('contacts: not checked (pass --contacts file.csv to check them)');
  }
  const importer = createEventImporter({
    mapping,
    headers: preview.headers,
    contacts,
    delimiter: preview.delimiter
  });
  const { bomLength } = detectEncoding(new Uint8Array(await blob.slice(0, 4).arrayBuffer()));
  const result = await parseCsvChunks(
    readBlobText(blob, preview.encoding, bomLength),
    { delimiter: preview.delimiter },
    (rows, lines) => importer.addRows(rows, lines)
  );
  if (result.problem) return fail(file, result.problem);
  const out = importer.finish();
  const repeated = out.repeatedIds > 0 ? `, ${out.repeatedIds} repeating an earlier event id` : '';
  console.log(
    `rows: ${out.added + out.repeatedIds + out.rejected.length} (${out.added} importable${repeated}, ${out.rejected.length} rejected)`
  );
  console.log(`event types: ${out.events.types.join(', ')}`);
  printRejected(out.rejected);
  return 0;
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.error) {
    console.error(`slice inspect: ${args.error}`);
    return 2;
  }
  return args.kind === 'events' ? inspectEvents(args) : inspectContacts(args);
}
