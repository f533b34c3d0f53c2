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
import { DeliveryReport, type DeliveryReportPart } from './delivery-report';
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
  /** The line after the last one read (where a later part of the file starts). */
  nextLine: number;
}

/**
 * The reading of a later part of a file (`laterPartOf`), in a form a thread can hand over:
 * the report's part, and per day of the timeline the events it counted there.
 */
export interface DeliveryExportPart extends Omit<DeliveryExportResult, 'report'> {
  report: DeliveryReportPart;
  dayEvents: number[];
}

/** A timeline day, with the events counted on it (a day exists once one is). */
type CountedDay = DeliveryDay & { events: number };

function dayOf(days: Map<number, CountedDay>, day: number): CountedDay {
  let d = days.get(day);
  if (!d) {
    d = {
      day,
      sent: 0,
      delivered: 0,
      opened: 0,
      openedMachine: 0,
      clicked: 0,
      clickedMachine: 0,
      events: 0
    };
    days.set(day, d);
  }
  return d;
}

function countDay(d: CountedDay, kind: DeliveryEvent['kind'], machine: boolean): void {
  d.events++;
  if (kind === 'sent') d.sent++;
  else if (kind === 'delivered') d.delivered++;
  else if (kind === 'opened') {
    if (machine) d.openedMachine++;
    else d.opened++;
  } else if (kind === 'clicked') {
    if (machine) d.clickedMachine++;
    else d.clicked++;
  }
}

function timeline(days: Map<number, CountedDay>): DeliveryDay[] {
  return [...days.values()]
    .filter((d) => d.events > 0)
    .sort((a, b) => a.day - b.day)
    .map(({ events: _, ...day }) => day);
}

export function readDeliveryExport(
  chunks: AsyncIterable<string>,
  options: DeliveryExportOptions
): Promise<DeliveryExportResult | { problem: FileProblem }> {
  return readExport(chunks, options, undefined) as Promise<
    DeliveryExportResult | { problem: FileProblem }
  >;
}

/**
 * Reads a later part of a file, cut at a line end after the header (whose cells `header`
 * are), to be merged (`mergeDeliveryExports`) into the reading of the part before it. Its
 * lines are numbered from 1.
 */
export function readDeliveryExportPart(
  chunks: AsyncIterable<string>,
  options: DeliveryExportOptions,
  header: string[]
): Promise<DeliveryExportPart | { problem: FileProblem }> {
  return readExport(chunks, options, { header }) as Promise<
    DeliveryExportPart | { problem: FileProblem }
  >;
}

async function readExport(
  chunks: AsyncIterable<string>,
  options: DeliveryExportOptions,
  later: { header: string[] } | undefined
): Promise<DeliveryExportResult | DeliveryExportPart | { problem: FileProblem }> {
  const clock = zoneClock(options.timeZone);
  const maxProblems = options.maxProblems ?? 1000;
  const report = new DeliveryReport({ laterPart: later !== undefined });
  const days = new Map<number, CountedDay>();
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
  let lastDayCounts: CountedDay | null = null;

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
  const onHeader = (cells: string[], line: number): boolean => {
    headers = cells;
    preset = options.preset ?? detectPreset(cells);
    if (!preset) {
      fileProblem = {
        line,
        message:
          'The header is not one of a Slice events file (contact, type, at), a SendGrid event export (email, event, timestamp) or a Mailgun event export (recipient, event, timestamp).'
      };
      return false;
    }
    const resolved = resolveColumns(preset, cells);
    if ('missing' in resolved) {
      fileProblem = {
        line,
        message: `A ${presetLabel(preset)} needs the column(s) ${resolved.missing.join(', ')}.`
      };
      return false;
    }
    columns = resolved.columns;
    return true;
  };
  if (later && !onHeader(later.header, 1) && fileProblem) return { problem: fileProblem };
  const onRecord = (record: CsvRecord): boolean => {
    if (headers === null) return onHeader(record.cells(), record.line);
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
    countDay(lastDayCounts, read.kind, read.machine);
    return true;
  };
  const parsed = await scanCsvRecords(chunks, options.delimiter, onRecord, {
    midFile: later !== undefined
  });
  if (fileProblem) return { problem: fileProblem };
  if (parsed.problem) return { problem: parsed.problem };
  if (headers === null || preset === null) {
    return { problem: { message: 'The file is empty: it has no header row.' } };
  }
  const common = {
    preset: preset as DeliveryPreset,
    rows: dataRows,
    problems,
    problemCount,
    unknownTypes: { ...unknownTypes },
    otherEmailings,
    nextLine: parsed.nextLine
  };
  if (later) {
    const counted = [...days.values()].sort((a, b) => a.day - b.day);
    return {
      ...common,
      report: report.part(),
      days: counted.map(({ events: _, ...day }) => day),
      dayEvents: counted.map((d) => d.events)
    };
  }
  return { ...common, report, days: timeline(days) };
}

/**
 * The reading of a whole file from the reading of its first part and that of the part after
 * it (`laterPartOf`): the same figures, timeline, counts and problems (their lines numbered in
 * the file) as one reading of the whole file gives.
 */
export function mergeDeliveryExports(
  first: DeliveryExportResult,
  later: DeliveryExportPart,
  options: Pick<DeliveryExportOptions, 'timeZone' | 'maxProblems'>
): DeliveryExportResult {
  const clock = zoneClock(options.timeZone);
  const maxProblems = options.maxProblems ?? 1000;
  const days = new Map<number, CountedDay>();
  for (const d of first.days) days.set(d.day, { ...d, events: 1 });
  later.days.forEach((d, i) => {
    const own = days.get(d.day);
    if (!own) days.set(d.day, { ...d, events: later.dayEvents[i] });
    else {
      own.events += later.dayEvents[i];
      own.sent += d.sent;
      own.delivered += d.delivered;
      own.opened += d.opened;
      own.openedMachine += d.openedMachine;
      own.clicked += d.clicked;
      own.clickedMachine += d.clickedMachine;
    }
  });
  first.report.merge(later.report, (kind, at, machine) => {
    countDay(dayOf(days, clock.localDay(at)), kind, machine);
  });
  const lineShift = first.nextLine - 1;
  const problems = first.problems.slice();
  for (const p of later.problems) {
    if (problems.length >= maxProblems) break;
    problems.push({ ...p, line: p.line + lineShift });
  }
  const unknownTypes = { ...first.unknownTypes };
  for (const [type, n] of Object.entries(later.unknownTypes)) {
    unknownTypes[type] = (unknownTypes[type] ?? 0) + n;
  }
  return {
    preset: first.preset,
    rows: first.rows + later.rows,
    report: first.report,
    days: timeline(days),
    problems,
    problemCount: first.problemCount + later.problemCount,
    unknownTypes,
    otherEmailings: first.otherEmailings + later.otherEmailings,
    nextLine: later.nextLine + lineShift
  };
}
