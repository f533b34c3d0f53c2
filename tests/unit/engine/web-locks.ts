/**
 * Web Locks for the engine tests: Node 20 has no navigator.locks, so this is the part of the
 * LockManager the engine uses (exclusive locks, ifAvailable, query), written to the spec's
 * rules: a lock is held while its callback's promise is pending, requests for a held name wait
 * in order, ifAvailable gets null instead of waiting, and aborting a request's signal while it
 * waits withdraws it (the request rejects with an AbortError). One instance shared by two engines plays
 * the browser's lock manager shared by two tabs of one origin.
 */
import { vi } from 'vitest';

type Callback = (lock: { name: string; mode: 'exclusive' } | null) => unknown;
type Options = { ifAvailable?: boolean; signal?: AbortSignal };

export class TestLockManager {
  private readonly held = new Set<string>();
  private readonly waiting = new Map<string, (() => void)[]>();

  request(name: string, callback: Callback): Promise<unknown>;
  request(name: string, options: Options, callback: Callback): Promise<unknown>;
  async request(
    name: string,
    optionsOrCallback: Options | Callback,
    maybeCallback?: Callback
  ): Promise<unknown> {
    const options = typeof optionsOrCallback === 'function' ? {} : optionsOrCallback;
    const callback = (
      typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback
    ) as Callback;
    const { signal } = options;
    if (signal?.aborted) throw abortError();
    if (this.held.has(name)) {
      if (options.ifAvailable) return callback(null);
      // Granted by the holder's release, which hands the lock over without letting it go.
      await new Promise<void>((grant, reject) => {
        const queue = this.waiting.get(name) ?? [];
        const entry = () => {
          signal?.removeEventListener('abort', withdraw);
          grant();
        };
        const withdraw = () => {
          const q = this.waiting.get(name);
          const at = q?.indexOf(entry) ?? -1;
          if (q && at >= 0) q.splice(at, 1);
          if (q?.length === 0) this.waiting.delete(name);
          reject(abortError());
        };
        signal?.addEventListener('abort', withdraw, { once: true });
        queue.push(entry);
        this.waiting.set(name, queue);
      });
    } else {
      this.held.add(name);
    }
    try {
      return await callback({ name, mode: 'exclusive' });
    } finally {
      const queue = this.waiting.get(name);
      const next = queue?.shift();
      if (queue?.length === 0) this.waiting.delete(name);
      if (next) next();
      else this.held.delete(name);
    }
  }

  async query(): Promise<{ held: { name: string }[]; pending: { name: string }[] }> {
    return {
      held: [...this.held].map((name) => ({ name })),
      pending: [...this.waiting].flatMap(([name, q]) => q.map(() => ({ name })))
    };
  }

  /** Whether `name` is held now (synchronous, for checks made inside database hooks). */
  isHeld(name: string): boolean {
    return this.held.has(name);
  }

  /** Holds `name` until the returned function is called (a tab running an import, say). */
  async hold(name: string): Promise<() => void> {
    let letGo: () => void = () => undefined;
    const until = new Promise<void>((resolve) => (letGo = resolve));
    await new Promise<void>((granted) => {
      void this.request(name, () => {
        granted();
        return until;
      });
    });
    return letGo;
  }
}

function abortError(): Error {
  const err = new Error('The request was aborted.');
  err.name = 'AbortError';
  return err;
}

/** Gives this test file's global navigator a TestLockManager; undo with vi.unstubAllGlobals. */
export function installWebLocks(): TestLockManager {
  const locks = new TestLockManager();
  vi.stubGlobal('navigator', { locks });
  return locks;
}
