/**
 * The dashboard's time axis in the campaign's zone: one-hour buckets for the first 48 hours
 * after the first send (when opens and clicks come in), then calendar days. While the last
 * event is within those 48 hours, the hours stop after it (at least MIN_HOURS are shown), so a
 * fresh emailing is not drawn as a few bars lost in two empty days. Hour buckets are
 * 60 real minutes each, starting at the first send's local hour, so a DST change shows as a
 * skipped or repeated clock hour instead of a 0- or 120-minute bucket; days are the zone's
 * calendar days (23 or 25 hours at a change). Labels are built here, without Intl, from the
 * zone's offsets, so the worker and tests label the same way.
 */
import { civilFromDays, DAY_MS } from '../columns/calendar';
import type { ZoneClock } from '../segment/dates';

export const HOUR_MS = 3_600_000;
/** Hours shown one by one after the first send. */
export const HOURLY_SPAN = 48;
/** Hours shown at least, when every event falls in the first hours. */
export const MIN_HOURS = 6;
/** More days than this are cut (a stray date years away must not make millions of buckets). */
export const MAX_DAYS = 3_660;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface TimeAxis {
  /** First instant of the first hour bucket; NaN when there is nothing to show. */
  hourStart: number;
  /** Hour buckets (HOURLY_SPAN, or fewer when every event falls before its end). */
  hours: number;
  /** First local day after the hourly part (its first bucket may start mid-day). */
  firstDay: number;
  days: number;
}

/** The axis from the first send (or first event) to the last event. */
export function timeAxis(clock: ZoneClock, first: number, last: number): TimeAxis {
  if (!Number.isFinite(first)) return { hourStart: NaN, hours: 0, firstDay: 0, days: 0 };
  const wall = first + clock.offsetAt(first);
  const hourStart = clock.wallToInstant(Math.floor(wall / HOUR_MS) * HOUR_MS);
  const hourlyEnd = hourStart + HOURLY_SPAN * HOUR_MS;
  const firstDay = clock.localDay(hourlyEnd);
  const days = last >= hourlyEnd ? Math.min(MAX_DAYS, clock.localDay(last) - firstDay + 1) : 0;
  const hours =
    days > 0
      ? HOURLY_SPAN
      : Math.min(HOURLY_SPAN, Math.max(MIN_HOURS, Math.floor((last - hourStart) / HOUR_MS) + 1));
  return { hourStart, hours, firstDay, days };
}

export function bucketCount(axis: TimeAxis): number {
  return Number.isNaN(axis.hourStart) ? 0 : axis.hours + axis.days;
}

/** Whether bucket `i` is an hour (else a day). */
export function isHourBucket(axis: TimeAxis, i: number): boolean {
  return i < axis.hours;
}

/** Start instant of bucket `i` (a day bucket never starts before the hourly part ends). */
export function bucketStart(axis: TimeAxis, clock: ZoneClock, i: number): number {
  if (i < axis.hours) return axis.hourStart + i * HOUR_MS;
  return Math.max(
    clock.startOfDay(axis.firstDay + i - axis.hours),
    axis.hourStart + HOURLY_SPAN * HOUR_MS
  );
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** "4 Dec" for a local day. */
export function dayLabel(day: number): string {
  const c = civilFromDays(day);
  return `${c.day} ${MONTHS[c.month - 1]}`;
}

/** "4 Dec 14:00" for an instant, on the zone's wall clock. */
export function hourLabel(clock: ZoneClock, at: number): string {
  const wall = at + clock.offsetAt(at);
  const day = Math.floor(wall / DAY_MS);
  const minutes = Math.floor((wall - day * DAY_MS) / 60_000);
  return `${dayLabel(day)} ${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

/** The label of bucket `i`: its local hour, or its day. */
export function bucketLabel(axis: TimeAxis, clock: ZoneClock, i: number): string {
  if (i < axis.hours) return hourLabel(clock, bucketStart(axis, clock, i));
  return dayLabel(axis.firstDay + i - axis.hours);
}
