/**
 * `slice report` on two cores: a large export is cut in two at a line end, the first part is
 * read here while a worker thread reads the second, and the second reading is merged into the
 * first (mergeDeliveryExports) — the same figures, timeline and problems as one reading.
 * Returns null when the file should be read in one go instead: small, not UTF-8, no line end
 * near the middle, or a problem in either part (a quoted cell running over the cut, a bad
 * header, unreadable bytes: the single reading then names it with its line in the file).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  mergeDeliveryExports,
  readDeliveryExport,
  type DeliveryExportOptions,
  type DeliveryExportPart,
  type DeliveryExportResult
} from '../src/lib/core/analytics/index';
import { scanCsvRecords } from '../src/lib/core/csv/csv-records';
import type { FilePreview } from '../src/lib/core/csv/types';
import { readUtf8Range } from './read-utf8-range';
import type { ReportWorkerInput } from './report-worker';
import { zonedParser } from './zoned-parser';

/** Below this a second thread costs more (its start, ~0.3 s with tsx) than it saves. */
export const PARALLEL_MIN_BYTES = 32 << 20;

export interface ParallelOptions extends Omit<DeliveryExportOptions, 'parseTime'> {
  /** Where to cut (the next line end is taken); the middle of the file by default. */
  cutNear?: number;
  minBytes?: number;
}

/** The cells of the file's header record (after a BOM and a `sep=` hint), or null. */
async function headerOf(
  blob: Blob,
  bomLength: number,
  options: ParallelOptions
): Promise<string[] | null> {
  let header: string[] | null = null;
  try {
    await scanCsvRecords(
      readUtf8Range(blob, bomLength, Math.min(blob.size, bomLength + (1 << 20)), 1 << 16),
      options.delimiter,
      (record) => {
        header = record.cells();
        return false;
      }
    );
  } catch {
    return null;
  }
  return header;
}

/** The byte after the first line end at or after `near`, or -1. */
async function cutAt(blob: Blob, near: number): Promise<number> {
  const window = 1 << 16;
  for (let from = near; from < blob.size; from += window) {
    const bytes = new Uint8Array(
      await blob.slice(from, Math.min(blob.size, from + window)).arrayBuffer()
    );
    const lf = bytes.indexOf(10);
    if (lf !== -1) return from + lf + 1 < blob.size ? from + lf + 1 : -1;
    if (from - near > 1 << 24) return -1;
  }
  return -1;
}

function readLaterPart(input: ReportWorkerInput): Promise<DeliveryExportPart | null> {
  return new Promise((resolve, reject) => {
    // The worker is TypeScript, and Node 20 does not hand the loader this process runs under
    // to a worker's entry file: the worker loads it through tsx's API.
    const tsxApi = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs')
    ).href;
    const entry = new URL('./report-worker.ts', import.meta.url).href;
    const worker = new Worker(
      `import(${JSON.stringify(tsxApi)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`,
      { eval: true, workerData: input, execArgv: [] }
    );
    worker.once('message', (part: DeliveryExportPart | null) => {
      resolve(part);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the reading thread stopped (exit code ${code})`));
    });
  });
}

export async function readReportInParallel(
  path: string,
  blob: Blob,
  preview: Pick<FilePreview, 'encoding' | 'hasBom'>,
  bomLength: number,
  options: ParallelOptions
): Promise<DeliveryExportResult | null> {
  if (blob.size < (options.minBytes ?? PARALLEL_MIN_BYTES) || preview.encoding !== 'utf-8') {
    return null;
  }
  const header = await headerOf(blob, bomLength, options);
  if (header === null) return null;
  const cut = await cutAt(blob, Math.max(bomLength, options.cutNear ?? Math.floor(blob.size / 2)));
  if (cut < 0) return null;
  const readOptions = {
    delimiter: options.delimiter,
    preset: options.preset,
    emailing: options.emailing,
    timeZone: options.timeZone,
    maxProblems: options.maxProblems
  };
  const later = readLaterPart({ path, start: cut, end: blob.size, header, ...readOptions });
  // A failed thread must not leave an unhandled rejection while the first part is read.
  later.catch(() => undefined);
  let first: DeliveryExportResult | { problem: unknown };
  try {
    first = await readDeliveryExport(readUtf8Range(blob, bomLength, cut), {
      ...readOptions,
      parseTime: zonedParser(options.timeZone)
    });
  } catch {
    return null;
  }
  const part = await later.catch(() => null);
  if ('problem' in first || part === null) return null;
  try {
    return mergeDeliveryExports(first, part, options);
  } catch {
    return null; // a NUL in a cell: the single reading decides
  }
}
