/**
 * The campaigns home's state: the list of campaigns and the actions on them. Every action
 * reloads the list from the engine, so what is shown is what is stored.
 */
import type { CampaignSummary } from '$lib/engine/api';
import { engine, errorMessage } from './engine';

export class CampaignList {
  campaigns = $state<CampaignSummary[]>([]);
  loaded = $state(false);
  /** Name of the long action under way (loading the demo, restoring), shown as busy. */
  busy = $state<string | null>(null);
  error = $state<string | null>(null);

  async refresh(): Promise<void> {
    try {
      const list = await engine().listCampaigns();
      this.campaigns = list.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      this.error = null;
    } catch (error) {
      this.error = `Could not read your campaigns: ${errorMessage(error)}`;
    } finally {
      this.loaded = true;
    }
  }

  async create(name: string, timeZone?: string): Promise<CampaignSummary> {
    const created = await engine().createCampaign(name.trim(), timeZone);
    await this.refresh();
    return created;
  }

  async rename(id: string, name: string): Promise<CampaignSummary> {
    const renamed = await engine().renameCampaign(id, name.trim());
    await this.refresh();
    return renamed;
  }

  async remove(id: string): Promise<void> {
    await engine().deleteCampaign(id);
    await this.refresh();
  }

  /** Runs a long action with a busy label; returns its result, or null with `error` set. */
  async #long<T>(label: string, action: () => Promise<T>): Promise<T | null> {
    this.busy = label;
    this.error = null;
    try {
      const result = await action();
      await this.refresh();
      return result;
    } catch (error) {
      this.error = errorMessage(error);
      return null;
    } finally {
      this.busy = null;
    }
  }

  loadDemo(): Promise<CampaignSummary | null> {
    return this.#long('Loading the demo campaign…', () => engine().loadDemoCampaign());
  }

  restore(file: File): Promise<CampaignSummary | null> {
    return this.#long(`Restoring ${file.name}…`, () => engine().importBackup(file));
  }
}

/** The one list, shared by the sidebar and the home page. */
export const campaignList = new CampaignList();
