/** What the browser says of the origin's storage: usage, quota, whether it is persistent. */
import type { StorageInfo } from './api';

export async function storageInfo(): Promise<StorageInfo> {
  const storage = (globalThis.navigator as Navigator | undefined)?.storage;
  let usage: number | null = null;
  let quota: number | null = null;
  let persisted: boolean | null = null;
  try {
    if (storage?.estimate) {
      const estimate = await storage.estimate();
      usage = estimate.usage ?? null;
      quota = estimate.quota ?? null;
    }
    if (storage?.persisted) persisted = await storage.persisted();
  } catch {
    // Some browsers refuse in private windows; unknown is the honest answer.
  }
  return { usage, quota, persisted };
}
