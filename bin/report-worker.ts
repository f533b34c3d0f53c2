/**
 * A reading thread of `slice report`: reads the later part of an export (from byte `start`,
 * a line start after the header) and posts its DeliveryExportPart back, or `null` when the
 * part cannot be read alone (any problem: the command then reads the whole file in one go,
 * which names the problem with its line in the file).
 */
import { openAsBlob } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readDeliveryExportPart, type DeliveryPreset } from '../src/lib/core/analytics/index';
import type { Delimiter } from '../src/lib/core/csv/types';
import { readUtf8Range } from './read-utf8-range';
import { zonedParser } from './zoned-parser';

export interface ReportWorkerInput {
  path: string;
  start: number;
  end: number;
  header: string[];
  delimiter: Delimiter;
  preset?: DeliveryPreset;
  emailing?: string;
  timeZone: string;
  maxProblems?: number;
}

async function main(input: ReportWorkerInput): Promise<void> {
  const blob = await openAsBlob(input.path);
  try {
    const part = await readDeliveryExportPart(
      readUtf8Range(blob, input.start, input.end),
      {
        delimiter: input.delimiter,
        preset: input.preset,
        emailing: input.emailing,
        timeZone: input.timeZone,
        parseTime: zonedParser(input.timeZone),
        maxProblems: input.maxProblems
      },
      input.header
    );
    if ('problem' in part) {
      parentPort?.postMessage(null);
      return;
    }
    const r = part.report;
    const e = r.idEvents;
    parentPort?.postMessage(
      part,
      [
        ...[r.flags, r.deliveredAt, r.hardAt, r.softAt, r.humanOpens, r.humanClicks],
        ...[e.message, e.click, e.machine, e.at]
      ].map((a) => a.buffer as ArrayBuffer)
    );
  } catch {
    // Bytes that are not UTF-8: the whole-file reading decides what the file is.
    parentPort?.postMessage(null);
  }
}

void main(workerData as ReportWorkerInput);
