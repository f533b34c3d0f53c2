/**
 * Date and time of a schedule as the campaign's zone reads it, to and from the value of a
 * `datetime-local` input (which has no zone of its own).
 */
import { zoneClock } from '$lib/core/segment/dates';

export function instantFromLocal(value: string, timeZone: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const wall = Date.parse(`${value.slice(0, 16)}:00Z`);
  if (Number.isNaN(wall)) return null;
  return new Date(zoneClock(timeZone).wallToInstant(wall)).toISOString();
}

export function localFromInstant(iso: string | null, timeZone: string): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  return new Date(t + zoneClock(timeZone).offsetAt(t)).toISOString().slice(0, 16);
}
