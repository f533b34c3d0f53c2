/**
 * The page's one door to the worker engine. Components and state classes ask for the engine
 * here, so that how the worker is reached (comlink, callbacks as proxies) stays in one place.
 */
import { getEngine, withProgress } from '$lib/engine/client';

export { getEngine as engine };

/** Wraps a callback so the worker can call it back across the comlink boundary. */
export function callback<T extends (...args: never[]) => void>(fn: T): T {
  return withProgress(fn);
}

/** The message of anything thrown by the engine or the browser, for showing to a person. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Something went wrong.';
}
