/**
 * A campaign's suppression list: addresses never sent to (hard bounces, unsubscribes,
 * complaints, rejections — fed from relay results and events — and those added by hand).
 */
import { isValidEmail, normaliseEmail } from '$lib/core/csv/email';
import {
  readSuppressionCsv,
  suppressionCsv,
  type SuppressionEntry
} from '$lib/core/email/suppression-csv';
import type { SuppressionReason, SuppressionRow } from '$lib/db/emailings';
import { isoAt, type EngineContext } from './engine-context';

export class SuppressionService {
  constructor(private readonly ctx: EngineContext) {}

  async list(campaignId: string): Promise<SuppressionEntry[]> {
    await this.ctx.ready;
    const rows = await this.ctx.db.suppressions.where('campaignId').equals(campaignId).toArray();
    return rows
      .sort((a, b) => b.addedAt.localeCompare(a.addedAt) || a.email.localeCompare(b.email))
      .map(({ email, reason, addedAt, note }) => ({ email, reason, addedAt, note }));
  }

  async addresses(campaignId: string): Promise<Set<string>> {
    const keys = await this.ctx.db.suppressions
      .where('campaignId')
      .equals(campaignId)
      .primaryKeys();
    return new Set(keys.map((k) => k[1]));
  }

  async isSuppressed(campaignId: string, email: string): Promise<boolean> {
    return (await this.ctx.db.suppressions.get([campaignId, normaliseEmail(email)])) !== undefined;
  }

  /** Adds by hand; refuses an invalid address with a message naming it. */
  async add(
    campaignId: string,
    email: string,
    reason: SuppressionReason = 'manual',
    note = ''
  ): Promise<void> {
    await this.ctx.ready;
    const clean = normaliseEmail(email);
    if (!isValidEmail(clean)) throw new Error(`"${email}" is not an email address.`);
    await this.ctx.db.suppressions.put(this.row(campaignId, clean, reason, note));
  }

  async remove(campaignId: string, email: string): Promise<void> {
    await this.ctx.ready;
    await this.ctx.db.suppressions.delete([campaignId, normaliseEmail(email)]);
  }

  async importCsv(
    campaignId: string,
    text: string
  ): Promise<{ added: number; problems: string[] }> {
    await this.ctx.ready;
    const { entries, problems } = readSuppressionCsv(text);
    await this.ctx.db.suppressions.bulkPut(
      entries.map((e) => this.row(campaignId, e.email, e.reason, 'import'))
    );
    return { added: entries.length, problems: problems.map((p) => p.message) };
  }

  async exportCsv(campaignId: string): Promise<string> {
    return suppressionCsv(await this.list(campaignId));
  }

  row(campaignId: string, email: string, reason: SuppressionReason, note: string): SuppressionRow {
    return { campaignId, email, reason, addedAt: isoAt(this.ctx), note };
  }
}
