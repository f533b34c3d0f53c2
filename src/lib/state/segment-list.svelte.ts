/**
 * The Segments page's list: every segment of the campaign with its count and state, a filter
 * by name, and the actions on a segment (duplicate, delete — refused with the reason while
 * something uses it). It follows the automatic update that runs after an import.
 */
import type { AutoUpdateStatus, SegmentRecord } from '$lib/engine/api';
import { foldText } from '$lib/core/text/fold';
import { engine, errorMessage } from './engine';

const POLL_MS = 500;

export class SegmentList {
  readonly campaignId: string;
  segments = $state<SegmentRecord[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);
  filter = $state('');
  update = $state<AutoUpdateStatus | null>(null);
  #poll: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  readonly visible = $derived.by(() => {
    const needle = foldText(this.filter.trim());
    if (!needle) return this.segments;
    return this.segments.filter((s) => foldText(s.name).includes(needle));
  });

  constructor(campaignId: string) {
    this.campaignId = campaignId;
  }

  async load(): Promise<void> {
    try {
      const [segments, update] = await Promise.all([
        engine().listSegments(this.campaignId),
        engine().autoUpdateStatus(this.campaignId)
      ]);
      if (this.#disposed) return;
      this.segments = segments;
      this.update = update;
      this.error = null;
      clearTimeout(this.#poll);
      if (update?.running) this.#poll = setTimeout(() => void this.load(), POLL_MS);
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loaded = true;
    }
  }

  byId(id: string): SegmentRecord | undefined {
    return this.segments.find((s) => s.id === id);
  }

  async duplicate(id: string): Promise<SegmentRecord> {
    const copy = await engine().duplicateSegment(id);
    await this.load();
    return copy;
  }

  /** Why the segment cannot be deleted now, or null when it can. */
  async deleteBlocker(id: string): Promise<string | null> {
    const users = await engine().segmentUsers(id);
    if (users.length === 0) return null;
    return `It is used by ${users.map((u) => `the ${u.kind} “${u.name}”`).join(', ')}. Remove it from there first.`;
  }

  async remove(id: string): Promise<void> {
    await engine().deleteSegment(id);
    await this.load();
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#poll);
  }
}
