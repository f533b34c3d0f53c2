/**
 * The demo campaign: its contacts and events fetched from the app's static files and imported
 * as a user would, with the fields and mapping the preview suggests; nothing is left behind
 * when a step fails.
 */
import { previewCsv } from '$lib/core/csv';
import { toSummary } from '$lib/db/campaigns';
import type { CampaignSummary } from './api';
import type { CampaignService } from './campaign-service';
import type { ImportService } from './import-service';

/** Where the app's static files live when only the worker's own URL is known. */
function guessBaseUrl(): string | undefined {
  const href = (globalThis as { location?: { href: string } }).location?.href;
  if (!href) return undefined;
  const at = href.indexOf('/_app/');
  return at >= 0 ? href.slice(0, at + 1) : href;
}

export class DemoService {
  /** URL the demo files are resolved against (the page's base); see configure(). */
  baseUrl: string | undefined;

  constructor(
    private readonly campaigns: CampaignService,
    private readonly imports: ImportService,
    private readonly fetchFn: typeof fetch,
    baseUrl?: string
  ) {
    this.baseUrl = baseUrl;
  }

  /** The address of the app's folder (index.html), where the demo and relay.json are served. */
  appBase(): string | undefined {
    return this.baseUrl ?? guessBaseUrl();
  }

  private async fetchBlob(path: string): Promise<Blob & { name: string }> {
    const base = this.appBase();
    if (!base) throw new Error('The demo files cannot be located (no page address is known).');
    const url = new URL(path, base).href;
    const response = await this.fetchFn(url);
    if (!response.ok)
      throw new Error(`The demo file ${path} could not be loaded (HTTP ${response.status}).`);
    const blob = await response.blob();
    return Object.assign(blob, { name: path.split('/').pop() ?? path });
  }

  async loadDemoCampaign(): Promise<CampaignSummary> {
    const contactsFile = await this.fetchBlob('demo/contacts.csv');
    const eventsFile = await this.fetchBlob('demo/events.csv');
    const campaign = await this.campaigns.createCampaign('Demo campaign', true);
    try {
      const preview = await previewCsv(contactsFile, 'contacts', contactsFile.name);
      if (preview.problem)
        throw new Error(`The demo contacts cannot be read: ${preview.problem.message}.`);
      const contacts = await this.imports.importContacts(campaign.id, contactsFile, {
        fields: preview.fields.map((f) => ({ ...f, include: true })),
        identity: preview.suggestedIdentity ?? preview.fields[0].name,
        policy: 'update',
        encoding: preview.encoding,
        delimiter: preview.delimiter
      });
      if (!contacts.ok)
        throw new Error(`The demo contacts could not be imported: ${contacts.message}`);
      const eventsPreview = await previewCsv(eventsFile, 'events', eventsFile.name);
      if (eventsPreview.problem)
        throw new Error(`The demo events cannot be read: ${eventsPreview.problem.message}.`);
      const headers = eventsPreview.headers;
      const mapping = eventsPreview.suggestedMapping ?? {
        contact: 'contact',
        type: 'type',
        target: headers.includes('target') ? 'target' : null,
        at: 'at',
        properties: headers.filter((h) => !['contact', 'type', 'target', 'at'].includes(h))
      };
      const events = await this.imports.importEvents(campaign.id, eventsFile, {
        mapping,
        encoding: eventsPreview.encoding,
        delimiter: eventsPreview.delimiter
      });
      if (!events.ok) throw new Error(`The demo events could not be imported: ${events.message}`);
    } catch (err) {
      await this.campaigns.deleteCampaign(campaign.id).catch(() => undefined);
      throw err;
    }
    return toSummary(await this.campaigns.require(campaign.id));
  }
}
