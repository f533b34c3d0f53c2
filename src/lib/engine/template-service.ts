/**
 * Segment templates: criteria saved from one campaign and applied in another, fields and
 * segments matched by name (core/segment/template-fields.ts); what does not match is handed
 * back for the builder to flag.
 */
import type { Definition } from '$lib/core/segment/definition';
import { validateDefinition } from '$lib/core/segment';
import { fitTemplate, templateSource } from '$lib/core/segment/template-fields';
import { getCampaignRow } from '$lib/db/campaigns';
import { listSegmentRows } from '$lib/db/segments';
import { listTemplateRows, type TemplateRow } from '$lib/db/templates';
import type { TemplateFitOutcome, TemplateRecord } from './api';
import { isoAt, type EngineContext } from './engine-context';

export class TemplateService {
  constructor(private readonly ctx: EngineContext) {}

  async saveTemplate(
    campaignId: string,
    template: { name: string; description?: string; definition: Definition }
  ): Promise<TemplateRecord> {
    await this.ctx.ready;
    const name = template.name.trim();
    if (!name) throw new Error('A template needs a name.');
    const campaign = await getCampaignRow(this.ctx.db, campaignId);
    if (!campaign) throw new Error('This campaign does not exist (it may have been deleted).');
    const segments = await listSegmentRows(this.ctx.db, campaignId);
    const errors = validateDefinition(template.definition, {
      fields: campaign.fields,
      eventTypes: campaign.eventTypes,
      segments: segments.map((s) => ({ id: s.id, name: s.name, references: [] }))
    });
    if (errors.length > 0)
      throw new Error(`Fix the conditions before saving them as a template: ${errors[0].message}`);
    const source = templateSource(template.definition, campaign.fields, segments);
    const existing = (await listTemplateRows(this.ctx.db)).find(
      (t) => t.name.toLowerCase() === name.toLowerCase()
    );
    const row: TemplateRow = {
      id: existing?.id ?? this.ctx.newId(),
      name,
      description: template.description ?? '',
      definition: source.definition,
      fieldTypes: source.fieldTypes,
      segmentNames: source.segmentNames,
      fromCampaign: campaign.name,
      createdAt: isoAt(this.ctx)
    };
    await this.ctx.db.templates.put(row);
    return row;
  }

  async listTemplates(): Promise<TemplateRecord[]> {
    await this.ctx.ready;
    return listTemplateRows(this.ctx.db);
  }

  async deleteTemplate(id: string): Promise<void> {
    await this.ctx.ready;
    await this.ctx.db.templates.delete(id);
  }

  /** The template's definition fitted to a campaign, with what could not be matched. */
  async fitTemplate(templateId: string, campaignId: string): Promise<TemplateFitOutcome> {
    await this.ctx.ready;
    const template = await this.ctx.db.templates.get(templateId);
    if (!template) throw new Error('This template does not exist (it may have been deleted).');
    const campaign = await getCampaignRow(this.ctx.db, campaignId);
    if (!campaign) throw new Error('This campaign does not exist (it may have been deleted).');
    const segments = await listSegmentRows(this.ctx.db, campaignId);
    const fit = fitTemplate(template, { fields: campaign.fields, segments });
    return { template, ...fit };
  }
}
