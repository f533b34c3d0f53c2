/**
 * Recognising the browser refusing to store more data, however Dexie wrapped it.
 */

export function isQuotaError(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: unknown; inner?: { name?: unknown }; failures?: unknown[] };
  if (e.name === 'QuotaExceededError' || e.inner?.name === 'QuotaExceededError') return true;
  // Dexie's BulkError collects per-row failures.
  return Array.isArray(e.failures) && e.failures.some((f) => isQuotaError(f));
}

export function quotaMessage(bytes: number): string {
  const mb = Math.max(1, Math.round(bytes / (1024 * 1024)));
  return (
    `Not enough storage space: the browser refused to store about ${mb} MB. ` +
    'Free space on this device or delete a campaign you no longer need, then import again. ' +
    'The campaign is unchanged.'
  );
}
