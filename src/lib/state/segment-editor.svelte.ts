/**
 * The segment being edited: its name, description, automatic-update switch and definition,
 * the structural edits of the builder, and the live count. Counting is debounced; each count
 * goes on one channel per editor, so the engine cancels a count a newer edit superseded, and
 * a late answer to an older edit is ignored here too. The page is never blocked: the worker
 * counts, the editor only waits for its answer.
 */
import type { FieldSpec } from '$lib/core/columns/types';
import type { Definition, Group, SegmentNode } from '$lib/core/segment/definition';
import {
  appendNode,
  duplicateNode,
  moveNode,
  newNode,
  nodeAt,
  removeNode,
  replaceNode,
  setMatch,
  type NewConditionKind
} from '$lib/core/segment/edit-tree';
import type { ValidationError } from '$lib/core/segment/validate';
import type {
  CampaignSummary,
  EngineApi,
  EvalOptions,
  SegmentKind,
  SegmentRecord
} from '$lib/engine/api';
import { engine, errorMessage } from './engine';

/**
 * Edits closer together than this are a burst (typing a value): only the burst's last edit is
 * counted, this long after it. An edit after a pause this long is counted at once, so a single
 * change (a rule picked, a value chosen) shows its count in the next frames.
 */
export const COUNT_DELAY_MS = 250;

export type CountState =
  | { status: 'idle' }
  | { status: 'counting' }
  | { status: 'ok'; count: number; total: number; ms: number }
  | { status: 'invalid'; errors: ValidationError[] }
  | { status: 'failed'; message: string };

export interface EditorContext {
  campaign: () => CampaignSummary | null;
  options: () => EvalOptions;
  /** Other segments of the campaign, for segment conditions. */
  segments: () => { id: string; name: string }[];
  /** The engine to ask; default the page's worker (tests hand an engine running in Node). */
  engine?: () => Pick<EngineApi, 'count' | 'countParts' | 'saveSegment'>;
}

let editors = 0;

export function emptyDefinition(): Definition {
  return { version: 1, root: { kind: 'group', match: 'all', children: [] } };
}

export class SegmentEditor {
  readonly campaignId: string;
  id = $state<string | null>(null);
  name = $state('');
  description = $state('');
  autoUpdate = $state(false);
  isDefault = $state(false);
  /** Manual segments and lists have no conditions: the page shows their members instead. */
  kind = $state<SegmentKind>('dynamic');
  definition = $state<Definition>(emptyDefinition());
  count = $state<CountState>({ status: 'idle' });
  /** Count of each top-level condition on its own (null: not countable yet). */
  parts = $state<(number | null)[]>([]);
  saving = $state(false);
  saveError = $state<string | null>(null);
  /** JSON of what was last saved, to tell unsaved changes. */
  #saved = $state('');
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the last edit was counted or scheduled (performance.now()); -Infinity before any. */
  #lastEdit = -Infinity;
  #request = 0;
  readonly #channel = `builder-${++editors}`;

  readonly dirty = $derived(this.#snapshot() !== this.#saved);

  constructor(
    campaignId: string,
    private readonly context: EditorContext
  ) {
    this.campaignId = campaignId;
    this.#saved = this.#snapshot();
  }

  #snapshot(): string {
    return JSON.stringify([this.name, this.description, this.autoUpdate, this.definition]);
  }

  load(segment: SegmentRecord): void {
    this.id = segment.id;
    this.name = segment.name;
    this.description = segment.description;
    this.autoUpdate = segment.autoUpdate;
    this.isDefault = segment.isDefault;
    this.kind = segment.kind;
    this.definition = segment.definition
      ? (structuredClone($state.snapshot(segment.definition)) as Definition)
      : emptyDefinition();
    this.#saved = this.#snapshot();
    this.schedule(0);
  }

  /** Validation messages about the node at `path` (exactly that node). */
  errorsAt(path: string): ValidationError[] {
    return this.count.status === 'invalid' ? this.count.errors.filter((e) => e.path === path) : [];
  }

  node(path: string): SegmentNode | undefined {
    return nodeAt(this.definition, path);
  }

  /** A plain copy of the definition: the tree edits clone, and proxies do not clone. */
  #plain(): Definition {
    return $state.snapshot(this.definition) as Definition;
  }

  #edit(next: Definition): void {
    this.definition = next;
    this.schedule();
  }

  /** Replaces the whole definition (an imported file, a template), then counts again. */
  setDefinition(definition: Definition): void {
    this.#edit(structuredClone(definition));
  }

  add(groupPath: string, kind: NewConditionKind): void {
    this.#edit(appendNode(this.#plain(), groupPath, newNode(kind, this.#nodeContext())));
  }

  remove(path: string): void {
    this.#edit(removeNode(this.#plain(), path));
  }

  duplicate(path: string): void {
    this.#edit(duplicateNode(this.#plain(), path));
  }

  move(path: string, delta: -1 | 1): void {
    this.#edit(moveNode(this.#plain(), path, delta));
  }

  replace(path: string, node: SegmentNode): void {
    this.#edit(replaceNode(this.#plain(), path, $state.snapshot(node) as SegmentNode));
  }

  setMatch(path: string, match: Group['match']): void {
    this.#edit(setMatch(this.#plain(), path, match));
  }

  #engine() {
    return this.context.engine ? this.context.engine() : engine();
  }

  #nodeContext() {
    const campaign = this.context.campaign();
    return {
      fields: (campaign?.fields ?? []) as FieldSpec[],
      eventTypes: campaign?.eventTypes ?? [],
      segments: this.context.segments()
    };
  }

  /**
   * Counts again: at once for an edit after a pause, else once the burst of edits pauses
   * (`delay` ms after the last). A newer edit replaces a pending count, and the worker cancels
   * a superseded one that already started.
   */
  schedule(delay = COUNT_DELAY_MS): void {
    const now = performance.now();
    const isolated = this.#timer === undefined && now - this.#lastEdit >= COUNT_DELAY_MS;
    this.#lastEdit = now;
    clearTimeout(this.#timer);
    this.count = { status: 'counting' };
    const wait = isolated ? 0 : delay;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.refreshCount();
    }, wait);
  }

  async refreshCount(): Promise<void> {
    const request = ++this.#request;
    const definition = $state.snapshot(this.definition);
    const options = this.context.options();
    try {
      const [total, parts] = await Promise.all([
        this.#engine().count(this.campaignId, definition, options, this.#channel),
        this.#engine().countParts(this.campaignId, definition, options, this.#channel)
      ]);
      if (request !== this.#request) return;
      if (total.ok) {
        this.count = { status: 'ok', count: total.count, total: total.total, ms: total.ms };
      } else if ('errors' in total) {
        this.count = { status: 'invalid', errors: total.errors };
      } else {
        return; // Cancelled by a newer count, whose answer will come.
      }
      this.parts = parts.ok ? parts.counts : [];
    } catch (error) {
      if (request === this.#request)
        this.count = { status: 'failed', message: errorMessage(error) };
    }
  }

  /** Saves (creating the segment the first time); returns the stored record or null on failure. */
  async save(): Promise<SegmentRecord | null> {
    this.saving = true;
    this.saveError = null;
    try {
      const saved = await this.#engine().saveSegment({
        id: this.id ?? undefined,
        campaignId: this.campaignId,
        name: this.name,
        description: this.description,
        autoUpdate: this.autoUpdate,
        kind: this.kind,
        // A manual segment's or list's members are the segment: it has no conditions to save.
        ...(this.kind === 'dynamic' ? { definition: $state.snapshot(this.definition) } : {})
      });
      this.id = saved.id;
      this.#saved = this.#snapshot();
      return saved;
    } catch (error) {
      this.saveError = errorMessage(error);
      return null;
    } finally {
      this.saving = false;
    }
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#request++;
  }
}
