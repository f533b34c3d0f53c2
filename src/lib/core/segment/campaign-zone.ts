/**
 * The time zone a campaign's segments are evaluated in. Campaigns get their own `timeZone`
 * (SPEC section 1); until every stored campaign has one, the runtime's zone stands in. The
 * page and the engine both ask here, so the switch-over happens in one place.
 */
import { isValidTimeZone } from './dates';

export function runtimeTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function campaignTimeZone(campaign: object | null | undefined): string {
  const zone = (campaign as { timeZone?: unknown } | null | undefined)?.timeZone;
  return typeof zone === 'string' && isValidTimeZone(zone) ? zone : runtimeTimeZone();
}
