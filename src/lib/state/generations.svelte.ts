/**
 * Segment generations the user started: they run in the worker and outlive the screen that
 * started them (the tracker lives in the app's root layout), report progress, and end with an
 * in-app notice and, when the user allowed it and the work took a while, a browser notification.
 */
import { getContext, setContext } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import type { CountOutcome, EvalOptions, WorkProgress } from '$lib/engine/api';
import { announcer } from './announcer.svelte';
import { callback, engine, errorMessage } from './engine';

/** Generations shorter than this end with the in-app notice only. */
export const BROWSER_NOTICE_AFTER_MS = 3000;

export interface Generation {
  segmentId: string;
  campaignId: string;
  name: string;
  progress: WorkProgress | null;
  startedAt: number;
  running: boolean;
  outcome: CountOutcome | null;
  error: string | null;
}

export interface Notice {
  id: number;
  tone: 'ok' | 'error';
  text: string;
}

const KEY = Symbol('generations');

export class GenerationTracker {
  readonly jobs = new SvelteMap<string, Generation>();
  notices = $state<Notice[]>([]);
  /** Bumped when a generation finishes, so lists reload their counts. */
  finished = $state(0);
  #next = 1;

  get(segmentId: string): Generation | undefined {
    return this.jobs.get(segmentId);
  }

  running(segmentId: string): boolean {
    return this.jobs.get(segmentId)?.running ?? false;
  }

  async start(
    segment: { id: string; campaignId: string; name: string },
    options: EvalOptions
  ): Promise<CountOutcome | null> {
    if (this.running(segment.id)) return null;
    const job: Generation = {
      segmentId: segment.id,
      campaignId: segment.campaignId,
      name: segment.name,
      progress: null,
      startedAt: Date.now(),
      running: true,
      outcome: null,
      error: null
    };
    this.jobs.set(segment.id, job);
    const update = (patch: Partial<Generation>) =>
      this.jobs.set(segment.id, { ...(this.jobs.get(segment.id) ?? job), ...patch });
    try {
      const outcome = await engine().generate(
        segment.id,
        options,
        callback((p: WorkProgress) => update({ progress: p }))
      );
      update({ running: false, outcome });
      if (outcome.ok) {
        this.#finish(
          'ok',
          `“${segment.name}” generated: ${outcome.count.toLocaleString('en-US')} members.`,
          job.startedAt
        );
      } else {
        const why =
          'errors' in outcome ? outcome.errors.map((e) => e.message).join(' ') : 'cancelled';
        update({ error: why });
        this.#finish('error', `“${segment.name}” could not be generated: ${why}`, job.startedAt);
      }
      return outcome;
    } catch (error) {
      const why = errorMessage(error);
      update({ running: false, error: why });
      this.#finish('error', `“${segment.name}” could not be generated: ${why}`, job.startedAt);
      return null;
    }
  }

  dismiss(id: number): void {
    this.notices = this.notices.filter((n) => n.id !== id);
  }

  /** Whether a browser notification may be shown (the user allowed it). */
  get browserAllowed(): boolean {
    return typeof Notification !== 'undefined' && Notification.permission === 'granted';
  }

  get browserAskable(): boolean {
    return typeof Notification !== 'undefined' && Notification.permission === 'default';
  }

  async askBrowserPermission(): Promise<void> {
    if (this.browserAskable) await Notification.requestPermission();
  }

  #finish(tone: 'ok' | 'error', text: string, startedAt: number): void {
    this.finished++;
    this.notices = [...this.notices.slice(-3), { id: this.#next++, tone, text }];
    announcer.say(text);
    if (Date.now() - startedAt >= BROWSER_NOTICE_AFTER_MS && this.browserAllowed) {
      try {
        new Notification('Slice', { body: text });
      } catch {
        // Some browsers only notify from a service worker; the in-app notice stays.
      }
    }
  }
}

export function setGenerationContext(tracker: GenerationTracker): GenerationTracker {
  return setContext(KEY, tracker);
}

export function getGenerationContext(): GenerationTracker {
  return getContext<GenerationTracker>(KEY);
}
