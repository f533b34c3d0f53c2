/**
 * What the sender tests share: relay settings without limits, a file of numbered people, and
 * waiting for a condition the sender reaches in its own time.
 */
import type { RelaySettings } from '$lib/engine/emailing-api';

/** Settings for a relay at `url`: batches of `batchSize`, no rate or caps, no overdue question. */
export function unlimitedRelay(
  url: string,
  token: string,
  batchSize: number
): Omit<RelaySettings, 'source'> {
  return {
    url,
    token,
    batchSize,
    perSecond: null,
    perHour: null,
    perDay: null,
    confirmOverdue: false
  };
}

/** `id,email,first_name` rows for people c0…c(n-1) at p<i>@example.org. */
export function peopleCsv(n: number, firstName: (i: number) => string = (i) => `N${i}`): string {
  const lines = ['id,email,first_name'];
  for (let i = 0; i < n; i++) lines.push(`c${i},p${i}@example.org,${firstName(i)}`);
  return lines.join('\n');
}

/** Polls `check` until it holds; past `ms`, fails with what `why` reports (if given). */
export async function until(
  check: () => Promise<boolean> | boolean,
  ms = 20_000,
  why?: () => Promise<unknown>
): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(why ? `timed out: ${JSON.stringify(await why())}` : 'timed out');
}
