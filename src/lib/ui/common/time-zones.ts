/**
 * The time zones a person can pick for a campaign: every IANA zone the browser knows, with the
 * browser's own first so that the default is one click away.
 */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function timeZoneChoices(...keep: string[]): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    // Older browsers: the zones in use are still offered.
  }
  const all = new Set([...zones, 'UTC', browserTimeZone(), ...keep.filter(Boolean)]);
  return [...all].sort((a, b) => a.localeCompare(b));
}
