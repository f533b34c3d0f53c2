/**
 * The relay origins the app may connect to. The page's Content-Security-Policy lists them in
 * connect-src (fixed at build time by SLICE_RELAY_ORIGINS); a worker is not bound by the
 * page's meta tag, so the engine checks relay URLs against the same list here.
 */

export const RELAY_ORIGINS_SETTING = 'SLICE_RELAY_ORIGINS';

/** Default: the local reference relay, on any port. */
export const DEFAULT_RELAY_ORIGINS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** Splits the build setting (spaces or commas) into origin patterns. */
export function relayOrigins(setting: string | undefined | null): string[] {
  const list = (setting ?? '').split(/[\s,]+/).filter(Boolean);
  return list.length ? list : DEFAULT_RELAY_ORIGINS;
}

function matches(origin: URL, pattern: string): boolean {
  const m = /^(https?):\/\/([^/:]+)(?::(\*|\d+))?\/?$/.exec(pattern);
  if (!m) return false;
  const [, scheme, host, port] = m;
  if (origin.protocol !== `${scheme}:`) return false;
  if (host.startsWith('*.')) {
    if (!origin.hostname.endsWith(host.slice(1))) return false;
  } else if (origin.hostname !== host) return false;
  if (port === '*') return true;
  const actual = origin.port || (scheme === 'https' ? '443' : '80');
  return actual === (port ?? (scheme === 'https' ? '443' : '80'));
}

/** A message when `url` may not be used as the relay, or null when it may. */
export function relayUrlProblem(url: string, allowed: readonly string[]): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a web address (write it as http://host:port).`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `The relay address must start with http:// or https:// (got ${parsed.protocol}).`;
  }
  if (allowed.some((p) => matches(parsed, p))) return null;
  return (
    `${parsed.origin} is not an allowed relay origin. This build allows ${allowed.join(', ')}; ` +
    `rebuild with the ${RELAY_ORIGINS_SETTING} setting to add it.`
  );
}
