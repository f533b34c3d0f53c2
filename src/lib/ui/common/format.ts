/**
 * How numbers, sizes, dates and cell values read on screen. One place, so every screen
 * writes `1,234 contacts` and `12 MB` the same way.
 */
import type { FieldType } from '$lib/core/columns/types';
import type { CellValue } from '$lib/engine/api';

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return integer.format(n);
}

const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** A rate as a person reads it: "12.5 %"-style, or — when its denominator is zero. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : percent.format(rate);
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 1) return 'less than a second';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return `${m} min ${s} s`;
}

/** Local date and time of an ISO instant, e.g. `23 Nov 2026, 14:05`. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit'
  });
}

/** `today`, `yesterday`, or the date, for lists sorted by recency. */
export function formatRelativeDay(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const day = (x: Date) => new Date(x.getFullYear(), x.getMonth(), x.getDate()).getTime();
  const diff = Math.round((day(new Date()) - day(d)) / 86_400_000);
  if (diff === 0)
    return `today, ${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
  if (diff === 1) return 'yesterday';
  return d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });
}

/**
 * Dates and instants of one campaign as its user reads them: in the browser's locale
 * (`15/09/2004` in French, `09/15/2004` in American English) and the campaign's time zone.
 * A `date` is a calendar day stored as its UTC midnight, so it is always shown in UTC.
 * One per zone, held by the view, since building Intl formatters costs more than using them.
 */
export class DateDisplay {
  readonly timeZone: string;
  private readonly dayFormat: Intl.DateTimeFormat;
  private readonly dateTimeFormat: Intl.DateTimeFormat;
  private readonly timeFormat: Intl.DateTimeFormat;
  private readonly headingFormat: Intl.DateTimeFormat;

  constructor(timeZone: string, locale?: string) {
    this.timeZone = timeZone;
    const numeric = { year: 'numeric', month: '2-digit', day: '2-digit' } as const;
    this.dayFormat = new Intl.DateTimeFormat(locale, { ...numeric, timeZone: 'UTC' });
    this.dateTimeFormat = new Intl.DateTimeFormat(locale, {
      ...numeric,
      hour: '2-digit',
      minute: '2-digit',
      timeZone
    });
    this.timeFormat = new Intl.DateTimeFormat(locale, {
      hour: '2-digit',
      minute: '2-digit',
      timeZone
    });
    this.headingFormat = new Intl.DateTimeFormat(locale, {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone
    });
  }

  /** A calendar day (a `date` value). */
  date(iso: string): string {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? iso : this.dayFormat.format(t);
  }

  /** Date and time of an instant, in the campaign's zone. */
  dateTime(iso: string): string {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? iso : this.dateTimeFormat.format(t);
  }

  /** Time of day of an instant, in the campaign's zone. */
  time(iso: string): string {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? '' : this.timeFormat.format(t);
  }

  /** The day of an instant as a heading (`mercredi 30 septembre 2026`), in the campaign's zone. */
  day(iso: string): string {
    const t = Date.parse(iso);
    return Number.isNaN(t) ? iso : this.headingFormat.format(t);
  }
}

/**
 * A contact's value as text; dates and date-times through `dates` (the campaign's zone and
 * the browser's locale), or ISO without one.
 */
export function formatCell(value: CellValue, type: FieldType, dates?: DateDisplay): string {
  if (value === null || value === '') return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (type === 'date') return dates ? dates.date(value) : value.slice(0, 10);
  if (type === 'datetime') return dates ? dates.dateTime(value) : value;
  return value;
}

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  datetime: 'Date and time',
  boolean: 'Yes / no',
  email: 'Email',
  phone: 'Phone',
  category: 'Category'
};
