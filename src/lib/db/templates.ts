/**
 * Segment templates: criteria saved apart from any campaign, to apply in another one. A template
 * keeps the types of the fields its conditions use and the names of the segments they name, so
 * that applying it can match them by name (core/segment/template-fields.ts).
 */
import type { FieldType } from '$lib/core/columns/types';
import type { Definition } from '$lib/core/segment/definition';
import type { SliceDb } from './slice-db';

export interface TemplateRow {
  id: string;
  name: string;
  description: string;
  definition: Definition;
  fieldTypes: Record<string, FieldType>;
  segmentNames: Record<string, string>;
  /** Name of the campaign it was saved from (shown to tell templates apart). */
  fromCampaign: string;
  createdAt: string;
}

export async function listTemplateRows(db: SliceDb): Promise<TemplateRow[]> {
  const rows = await db.templates.toArray();
  return rows.sort(
    (a, b) => a.name.localeCompare(b.name) || a.createdAt.localeCompare(b.createdAt)
  );
}
