/**
 * Page side of the engine: one module Web Worker per tab, wrapped with Comlink as a typed
 * Remote<Engine>. Callbacks (progress) must cross as Comlink proxies: use withProgress().
 * Browser-only; calling getEngine() during SSR or in Node throws.
 */
import * as Comlink from 'comlink';
import type { Engine } from './engine';

let engine: Comlink.Remote<Engine> | null = null;
let persistAsked = false;

/** The engine singleton (created on first use). */
export function getEngine(): Comlink.Remote<Engine> {
  if (typeof window === 'undefined' || typeof Worker === 'undefined') {
    throw new Error('The Slice engine runs in the browser only.');
  }
  if (!engine) {
    const worker = new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' });
    engine = Comlink.wrap<Engine>(worker);
    // Static files (the demo) resolve against the page, wherever the app is hosted.
    void engine.configure({ baseUrl: document.baseURI });
    void requestPersistence();
  }
  return engine;
}

/**
 * Asks once for persistent storage, so the browser does not evict campaigns under pressure.
 * Only the page can ask (not the worker). Resolves to whether storage is persisted.
 */
export async function requestPersistence(): Promise<boolean | null> {
  const storage = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  if (!storage?.persist) return null;
  if (persistAsked) return storage.persisted ? storage.persisted() : null;
  persistAsked = true;
  try {
    return (await storage.persisted?.()) || (await storage.persist());
  } catch {
    return null;
  }
}

/** Wraps a callback so that the worker can call it back (progress reports). */
export function withProgress<T extends (...args: never[]) => unknown>(
  fn: T
): T & Comlink.ProxyMarked {
  return Comlink.proxy(fn);
}

/** Hands big buffers to the worker without copying (the sender loses them). */
export function transfer<T>(value: T, buffers: Transferable[]): T {
  return Comlink.transfer(value, buffers);
}
