/**
 * Reads a whole delivery-event export (Slice, SendGrid or Mailgun CSV) into a DeliveryReport
 * and a daily timeline, streaming: a 5,000,000-row export is never held as rows. Rows that
 * cannot be counted are reported with their line and column, never dropped silently, and
 * event types the preset does not know are tallied by name.
 */
import { scanCsvRecords, type CsvRecord } from '../csv/csv-records';
import type { Delimiter, FileProblem, RejectedRow } from '../csv/types';
import { zoneClock } from '../segment/dates';
import type { DeliveryEvent } from './delivery-event';
import { DeliveryReport } from './delivery-report';
import {
  detectPreset,
  presetLabel,
  readDeliveryCells,
  resolveColumns,
  type DeliveryColumns,
  type DeliveryPreset
} from './presets';

/** Counts per local calendar day (epoch day number in the report's time zone). */
export interface DeliveryDay {
  day: number;
  sent: number;
  delivered: number;
  opened: number;
  openedMachine: number;
  clicked: number;
  clickedMachine: number;
}

export interface DeliveryExportOptions {
  delimiter: Delimiter;
  /** Forces a preset instead of recognising it from the header. */
  preset?: DeliveryPreset;
  /** Only events of this emailing (the export's campaign, category or target). */
  emailing?: string;
  /** Zone of the timeline's days (and of zone-less times, through parseTime). */
  timeZone: string;
  parseTime: (raw: string) => number;
  /** Rows reported in detail; the rest are only counted. Default 1,000. */
  maxProblems?: number;
}

export interface DeliveryExportResult {
  preset: DeliveryPreset;
  rows: number;
  report: DeliveryReport;
  days: DeliveryDay[];
  /** Rows not counted, with their line, column and reason (the first maxProblems). */
  problems: RejectedRow[];
  problemCount: number;
  /** Event names the preset does not know, with how many rows carry each. */
  unknownTypes: Record<string, number>;
  /** Rows of other emailings left out by the `emailing` filter. */
  otherEmailings: number;
}

function dayOf(days: Map<number, DeliveryDay>, day: number): DeliveryDay {
  let d = days.get(day);
  if (!d) {
    d = { day, sent: 0, delivered: 0, opened: 0, openedMachine: 0, clicked: 0, clickedMachine: 0 };
    days.set(day, d);
  }
  return d;
}

function countDay(d: DeliveryDay, e: DeliveryEvent): void {
  if (e.kind === 'sent') d.sent++;
  else if (e.kind === 'delivered') d.delivered++;
  else if (e.kind === 'opened') {
    if (e.machine) d.openedMachine++;
    else d.opened++;
  } else if (e.kind === 'clicked') {
    if (e.machine) d.clickedMachine++;
    else d.clicked++;
  }
}

export async function readDeliveryExport(
  chunks: AsyncIterable<string>,
  options: DeliveryExportOptions
): Promise<DeliveryExportResult | { problem: FileProblem }> {
  const clock = zoneClock(options.timeZone);
  const maxProblems = options.maxProblems ?? 1000;
  const report = new DeliveryReport();
  const days = new Map<number, DeliveryDay>();
  const problems: RejectedRow[] = [];
  const unknownTypes: Record<string, number> = Object.create(null) as Record<string, number>;
  let problemCount = 0;
  let otherEmailings = 0;
  let headers: string[] | null = null;
  let preset: DeliveryPreset | null = null;
  let columns: DeliveryColumns = {};
  let fileProblem: FileProblem | undefined;
  let lastDay = NaN;
  let lastDayStart = Infinity;
  let lastDayEnd = -Infinity;
  let lastDayCounts: DeliveryDay | null = null;

  let dataRows = 0;
  const rowOptions = {
    parseTime: options.parseTime,
    figuresOnly: true,
    needEmailing: options.emailing !== undefined,
    reuse: {
      messageId: '',
      recipient: '',
      emailing: '',
      kind: 'sent',
      at: 0,
      bounce: undefined,
      reason: undefined,
      url: undefined,
      machine: false,
      eventId: undefined
    } as DeliveryEvent
  };
  const parsed = await scanCsvRecords(chunks, options.delimiter, (record: CsvRecord) => {
    if (headers === null) {
      headers = record.cells();
      preset = options.preset ?? detectPreset(headers);
      if (!preset) {
        fileProblem = {
          line: record.line,
          message:
            'The header is not one of a Slice events file (contact, type, at), a SendGrid event export (email, event, timestamp) or a Mailgun event export (recipient, event, timestamp).'
        };
        return false;
      }
      const resolved = resolveColumns(preset, headers);
      if ('missing' in resolved) {
        fileProblem = {
          line: record.line,
          message: `A ${presetLabel(preset)} needs the column(s) ${resolved.missing.join(', ')}.`
        };
        return false;
      }
      columns = resolved.columns;
      return true;
    }
    if (!preset) return false;
    dataRows++;
    const read = readDeliveryCells(preset, columns, headers, record, rowOptions);
    if ('problem' in read) {
      const { problem } = read;
      problemCount++;
      if (problem.unknownType !== undefined) {
        unknownTypes[problem.unknownType] = (unknownTypes[problem.unknownType] ?? 0) + 1;
      }
      if (problems.length < maxProblems) {
        problems.push({ line: record.line, column: problem.column, reason: problem.reason });
      }
      return true;
    }
    if (options.emailing !== undefined && read.emailing !== options.emailing) {
      otherEmailings++;
      return true;
    }
    const before = report.events;
    report.add(read);
    if (report.events === before) return true; // a repeated provider event id
    // Most exports are in time order: reuse the last row's day while the time stays in it.
    if (read.at < lastDayStart || read.at >= lastDayEnd || lastDayCounts === null) {
      lastDay = clock.localDay(read.at);
      lastDayStart = clock.startOfDay(lastDay);
      lastDayEnd = clock.startOfDay(lastDay + 1);
      lastDayCounts = dayOf(days, lastDay);
    }
    countDay(lastDayCounts, read);
    return true;
  });
  if (fileProblem) return { problem: fileProblem };
  if (parsed.problem) return { problem: parsed.problem };
  if (headers === null || preset === null) {
    return { problem: { message: 'The file is empty: it has no header row.' } };
  }
  return {
    preset,
    rows: dataRows,
    report,
    days: [...days.values()].sort((a, b) => a.day - b.day),
    problems,
    problemCount,
    unknownTypes: { ...unknownTypes },
    otherEmailings
  };
}
