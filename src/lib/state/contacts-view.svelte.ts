/**
 * The contacts browser's state: search, sort, visible columns and a cache of row pages.
 * The table is virtualised: it asks for the rows it shows, and pages of PAGE_SIZE rows are
 * fetched from the engine on demand, so a million contacts never sit in the page at once.
 */
import { SvelteMap } from 'svelte/reactivity';
import type { FieldSpec } from '$lib/core/columns/types';
import type { CellValue } from '$lib/engine/api';
import type { EmailCondition } from '$lib/core/segment/definition';
import { engine, errorMessage } from './engine';
import { evalOptions } from './eval-clock';

export const PAGE_SIZE = 200;
/** Pages kept in memory; older ones are dropped and fetched again if scrolled back to. */
const MAX_PAGES = 60;
const SEARCH_DELAY_MS = 250;

export interface ContactRow {
  id: number;
  cells: CellValue[];
}

interface Page {
  ids: number[];
  rows: CellValue[][];
}

export class ContactsView {
  readonly campaignId: string;
  fields = $state<FieldSpec[]>([]);
  /** What is typed in the search box. */
  searchInput = $state('');
  /** The search applied (the input, once typing pauses). */
  search = $state('');
  sort = $state<string | null>(null);
  direction = $state<'asc' | 'desc'>('asc');
  hidden = $state<string[]>([]);
  /** The email activity filter ("opened emailing X"), null = none. */
  email = $state<EmailCondition | null>(null);
  /** Matching contacts, or null until the first page of the current query arrives. */
  total = $state<number | null>(null);
  error = $state<string | null>(null);

  visibleFields = $derived(this.fields.filter((f) => !this.hidden.includes(f.name)));
  /** Index of each visible field in the engine's row arrays (which follow `fields`). */
  visibleIndexes = $derived(this.visibleFields.map((f) => this.fields.indexOf(f)));

  #pages = new SvelteMap<number, Page>();
  // Bookkeeping only: nothing renders from it, so it need not be reactive.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  #inflight = new Set<number>();
  #generation = 0;
  #searchTimer: ReturnType<typeof setTimeout> | undefined;

  /** When set, only this segment's members are listed (search and sort still apply). */
  readonly segmentId: string | null;

  constructor(campaignId: string, segmentId: string | null = null) {
    this.campaignId = campaignId;
    this.segmentId = segmentId;
    this.hidden = loadHidden(campaignId);
  }

  setFields(fields: FieldSpec[]): void {
    this.fields = fields;
    if (this.sort && !fields.some((f) => f.name === this.sort)) this.sort = null;
  }

  /** Forgets every cached page and loads the first one again (after a change of query or data). */
  reload(): void {
    this.#generation++;
    this.#pages.clear();
    this.#inflight.clear();
    void this.#fetch(0);
  }

  setEmailFilter(condition: EmailCondition | null): void {
    this.email = condition;
    this.total = null;
    this.reload();
  }

  typeSearch(value: string): void {
    this.searchInput = value;
    clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      if (this.search === value.trim()) return;
      this.search = value.trim();
      this.total = null;
      this.reload();
    }, SEARCH_DELAY_MS);
  }

  /** Click on a column header: sort by it ascending, then descending, then file order. */
  toggleSort(field: string): void {
    if (this.sort !== field) {
      this.sort = field;
      this.direction = 'asc';
    } else if (this.direction === 'asc') {
      this.direction = 'desc';
    } else {
      this.sort = null;
      this.direction = 'asc';
    }
    this.reload();
  }

  setHidden(field: string, hide: boolean): void {
    const next = this.hidden.filter((f) => f !== field);
    if (hide) next.push(field);
    this.hidden = next;
    saveHidden(this.campaignId, next);
  }

  showAllColumns(): void {
    this.hidden = [];
    saveHidden(this.campaignId, []);
  }

  /** The row at `index`, or undefined while its page is loading. */
  row(index: number): ContactRow | undefined {
    const page = this.#pages.get(Math.floor(index / PAGE_SIZE));
    if (!page) return undefined;
    const i = index % PAGE_SIZE;
    if (i >= page.ids.length) return undefined;
    return { id: page.ids[i], cells: page.rows[i] };
  }

  /** Makes sure the rows [first, last] are loaded or loading. */
  ensure(first: number, last: number): void {
    const from = Math.max(0, Math.floor(first / PAGE_SIZE));
    const to = Math.floor(Math.max(first, last) / PAGE_SIZE);
    for (let p = from; p <= to; p++) {
      if (!this.#pages.has(p) && !this.#inflight.has(p)) void this.#fetch(p);
    }
  }

  async #fetch(page: number): Promise<void> {
    const generation = this.#generation;
    this.#inflight.add(page);
    try {
      const result = await engine().queryContacts(this.campaignId, {
        search: this.search || undefined,
        sort: this.sort ?? undefined,
        direction: this.direction,
        offset: page * PAGE_SIZE,
        limit: PAGE_SIZE,
        segmentId: this.segmentId ?? undefined,
        email: this.email
          ? { condition: $state.snapshot(this.email), now: evalOptions(null).now }
          : undefined
      });
      if (generation !== this.#generation) return;
      this.total = result.total;
      this.error = null;
      if (this.#pages.size >= MAX_PAGES) {
        const oldest = this.#pages.keys().next().value;
        if (oldest !== undefined) this.#pages.delete(oldest);
      }
      this.#pages.set(page, { ids: result.ids, rows: result.rows });
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.#inflight.delete(page);
    }
  }
}

function storageKey(campaignId: string): string {
  return `slice.columns.${campaignId}`;
}

function loadHidden(campaignId: string): string[] {
  try {
    const raw = localStorage.getItem(storageKey(campaignId));
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function saveHidden(campaignId: string, hidden: string[]): void {
  try {
    localStorage.setItem(storageKey(campaignId), JSON.stringify(hidden));
  } catch {
    // Private windows may refuse storage; the choice then lasts for this visit only.
  }
}
