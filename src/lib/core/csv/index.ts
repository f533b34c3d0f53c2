/**
 * CSV import core: encoding and delimiter detection, streaming parsing with line numbers,
 * type inference, value parsing, and the contact and event importers. Pure TypeScript, used by
 * the engine (in the worker) and by the CLI (in Node).
 */
export type {
  CsvEncoding,
  Delimiter,
  EventMapping,
  FieldProposal,
  FilePreview,
  FileProblem,
  MergePolicy,
  RejectedRow
} from './types';
export { detectEncoding, isValidUtf8, looksBinary } from './detect-encoding';
export { CsvReadError, decodeWindows1252, readBlobText } from './read-blob-text';
export { sniffDelimiter } from './sniff-delimiter';
export { CsvChunkParser, parseCsvChunks } from './parse-csv-chunks';
export { readSepHint, type SepHint } from './sep-hint';
export { headerProblem, previewCsv, type PreviewOverrides } from './preview-csv';
export { inferFields, suggestEventMapping, suggestIdentity } from './infer-fields';
export { parseNumber } from './parse-number';
export { daysFromCivil, parseDate, parseDateTime } from './parse-date';
export { parseBoolean } from './parse-boolean';
export { isValidEmail, normaliseEmail } from './email';
export { normaliseIdentity } from './normalise-identity';
export {
  columnKindOf,
  createContactImporter,
  type ContactImporter,
  type ContactImporterOptions,
  type ContactImportResult
} from './contact-importer';
export type { RejectedRowDetail } from './import-rows';
export {
  contactIndex,
  createEventImporter,
  normaliseEventType,
  type ContactIndex,
  type EventImporter,
  type EventImporterOptions,
  type EventImportResult
} from './event-importer';
export { StringDictionary } from './string-dictionary';
export { joinCells, quoteCell, rejectedRowsToCsv, toCsv } from './write-csv';
