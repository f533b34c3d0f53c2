/**
 * The open campaign: its summary (name, counts, fields), shared by the campaign's tabs through
 * a Svelte context, and refreshed after anything that changes it (an import, a rename).
 */
import { getContext, setContext } from 'svelte';
import type { CampaignSummary } from '$lib/engine/api';
import { DateDisplay } from '$lib/ui/common/format';
import { browserTimeZone } from '$lib/ui/common/time-zones';
import { engine, errorMessage } from './engine';

const KEY = Symbol('campaign');

export class CampaignState {
  id = $state('');
  summary = $state<CampaignSummary | null>(null);
  loaded = $state(false);
  missing = $state(false);
  error = $state<string | null>(null);
  /** Bumped on every refresh, so views that cache contact pages know to reload. */
  version = $state(0);
  /** How the campaign's dates read: the browser's locale, the campaign's time zone. */
  dates = $derived(new DateDisplay(this.summary?.timeZone ?? browserTimeZone()));

  constructor(id: string) {
    this.id = id;
  }

  async load(id: string): Promise<void> {
    if (id !== this.id) {
      this.id = id;
      this.summary = null;
      this.loaded = false;
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const id = this.id;
    try {
      const summary = await engine().getCampaign(id);
      if (id !== this.id) return;
      this.summary = summary;
      this.missing = summary === null;
      this.error = null;
      this.version++;
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loaded = true;
    }
  }
}

export function setCampaignContext(state: CampaignState): CampaignState {
  return setContext(KEY, state);
}

export function getCampaignContext(): CampaignState {
  return getContext<CampaignState>(KEY);
}
