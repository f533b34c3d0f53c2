/**
 * Drives the real engine worker of the built app from inside a page, for benchmarks whose
 * screens do not exist yet: the page starts its own instance of the app's engine worker
 * (build/_app/immutable/workers/engine.worker-*.js, same origin, same IndexedDB) and calls
 * EngineApi methods over Comlink's message protocol (plain calls; no callbacks).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { AppServer } from './app-server';

declare global {
  interface Window {
    __benchEngineCall?: (method: string, ...args: unknown[]) => Promise<unknown>;
    __benchEngineStop?: () => void;
  }
}

export function engineWorkerUrl(app: AppServer): string {
  const dir = join(app.dir, '_app/immutable/workers');
  const file = readdirSync(dir).find((f) => /^engine\.worker-.*\.js$/.test(f));
  if (!file) throw new Error(`no engine worker in ${dir}`);
  return `${app.url}_app/immutable/workers/${file}`;
}

/** Starts (or restarts) the page's own engine worker; the previous one is terminated. */
export async function startPageEngine(page: Page, workerUrl: string): Promise<void> {
  await page.evaluate((url) => {
    window.__benchEngineStop?.();
    const worker = new Worker(url, { type: 'module' });
    const pending = new Map<string, { resolve(v: unknown): void; reject(e: unknown): void }>();
    let next = 0;
    worker.addEventListener('message', (event: MessageEvent) => {
      const { id, type, name, value } = event.data ?? {};
      const call = pending.get(id);
      if (!call) return;
      pending.delete(id);
      // Comlink sends a thrown error as a "throw" handler value.
      if (type === 'HANDLER' && name === 'throw') {
        const v = value?.isError ? value.value : value;
        call.reject(new Error(typeof v?.message === 'string' ? v.message : String(v)));
      } else {
        call.resolve(value);
      }
    });
    window.__benchEngineCall = (method, ...args) =>
      new Promise((resolve, reject) => {
        const id = `bench-${next++}`;
        pending.set(id, { resolve, reject });
        worker.postMessage({
          id,
          type: 'APPLY',
          // 'delivery.append' calls a method of a part of the engine.
          path: method.split('.'),
          argumentList: args.map((value) => ({ type: 'RAW', value }))
        });
      });
    window.__benchEngineStop = () => worker.terminate();
  }, workerUrl);
  await callEngine(page, 'configure', { baseUrl: page.url() });
}

export function callEngine<T>(page: Page, method: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(({ method, args }) => window.__benchEngineCall!(method, ...args), {
    method,
    args
  }) as Promise<T>;
}

/** Calls an engine method and times it on the page's clock (no Playwright round trip). */
export async function timeEngineCall<T>(
  page: Page,
  method: string,
  ...args: unknown[]
): Promise<{ ms: number; value: T }> {
  return page.evaluate(
    async ({ method, args }) => {
      const t0 = performance.now();
      const value = await window.__benchEngineCall!(method, ...args);
      return { ms: performance.now() - t0, value };
    },
    { method, args }
  ) as Promise<{ ms: number; value: T }>;
}
