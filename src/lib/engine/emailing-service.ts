/**
 * Emailings: compose, target, preview, schedule, and the records the sender works from.
 * Recipients are written to the send ledger when sending starts (or at scheduling, when the
 * membership is frozen); from then on the ledger alone says who still gets the message.
 */
import { getBit } from '$lib/core/columns/bitset';
import { allowedActions, applyAction, canDo, STATUS_LABELS } from '$lib/core/email/emailing-status';
import type { EmailingAction } from '$lib/core/email/emailing-status';
import { mergeProblems, type MergeProblem } from '$lib/core/email/merge-tags';
import { selectRecipients, type Candidate, type SkipReason } from '$lib/core/email/recipients';
import { messageId } from '$lib/core/email/batch-plan';
import type { EmailingRow, LedgerRow } from '$lib/db/emailings';
import type {
  AudienceCount,
  ContactMailing,
  EmailingDraft,
  EmailingRecord,
  RenderedPreview
} from './emailing-api';
import { isoAt, type EngineContext } from './engine-context';
import type { SegmentService } from './segment-service';
import type { SuppressionService } from './suppression-service';
import { compileEmailing, emailField, fieldText, renderFor } from './emailing-render';

const NO_SKIPS: Record<SkipReason, number> = { suppressed: 0, invalid: 0, duplicate: 0, capped: 0 };
const DAY_MS = 86_400_000;

export function toRecord(row: EmailingRow, now: number): EmailingRecord {
  const { materialised: _m, nextBatchNo: _n, ...rest } = row;
  return {
    ...rest,
    actions: [...allowedActions(row.status)],
    sent: row.accepted + row.rejected,
    // Handed to the relay: it went out at its time even with the app closed.
    overdue:
      row.status === 'scheduled' &&
      !row.handedOverAt &&
      row.scheduledAt !== null &&
      Date.parse(row.scheduledAt) < now - 60_000
  };
}

export class EmailingService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly segments: SegmentService,
    private readonly suppressions: SuppressionService,
    /** Wakes the sender after an action (send, resume). */
    private readonly wake: () => void
  ) {
    segments.addUsageFinder(async (segment) => {
      const rows = await ctx.db.emailings.where('campaignId').equals(segment.campaignId).toArray();
      return rows
        .filter(
          (e) =>
            e.targets.includes(segment.id) && e.status !== 'finished' && e.status !== 'cancelled'
        )
        .map((e) => ({ kind: 'emailing' as const, id: e.id, name: e.name }));
    });
  }

  async list(campaignId: string): Promise<EmailingRecord[]> {
    await this.ctx.ready;
    const rows = await this.ctx.db.emailings.where('campaignId').equals(campaignId).toArray();
    const now = this.ctx.now();
    return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt)).map((r) => toRecord(r, now));
  }

  async get(id: string): Promise<EmailingRecord | null> {
    await this.ctx.ready;
    const row = await this.ctx.db.emailings.get(id);
    return row ? toRecord(row, this.ctx.now()) : null;
  }

  private async row(id: string): Promise<EmailingRow> {
    await this.ctx.ready;
    const row = await this.ctx.db.emailings.get(id);
    if (!row) throw new Error('This emailing does not exist (it may have been deleted).');
    return row;
  }

  async create(campaignId: string, draft: Partial<EmailingDraft> = {}): Promise<EmailingRecord> {
    await this.ctx.ready;
    const at = isoAt(this.ctx);
    const segments = await this.segments.listSegments(campaignId);
    const row: EmailingRow = {
      id: this.ctx.newId(),
      campaignId,
      name: 'Untitled emailing',
      fromName: '',
      fromEmail: '',
      replyTo: '',
      subject: '',
      html: '',
      text: '',
      targets: segments.filter((s) => s.isDefault).map((s) => s.id),
      refreshTargets: true,
      scheduledAt: null,
      capDays: null,
      ...pickDraft(draft),
      status: 'draft',
      materialised: false,
      nextBatchNo: 1,
      contacts: 0,
      toSend: 0,
      accepted: 0,
      rejected: 0,
      skipCounts: { ...NO_SKIPS },
      createdAt: at,
      updatedAt: at,
      startedAt: null,
      finishedAt: null,
      error: null
    };
    await this.ctx.db.emailings.add(row);
    return toRecord(row, this.ctx.now());
  }

  async update(id: string, draft: Partial<EmailingDraft>): Promise<EmailingRecord> {
    const row = await this.row(id);
    if (!canDo(row.status, 'edit')) {
      throw new Error(
        `An emailing that is ${STATUS_LABELS[row.status].toLowerCase()} cannot be edited.`
      );
    }
    const changes = pickDraft(draft);
    if (row.materialised && changes.targets && changes.targets.join() !== row.targets.join()) {
      throw new Error('Its recipients are already fixed: the targets can no longer change.');
    }
    await this.ctx.db.emailings.update(id, { ...changes, updatedAt: isoAt(this.ctx) });
    return toRecord(await this.row(id), this.ctx.now());
  }

  /** Whether `draft` changes anything of the emailing (an unchanged save is not an edit). */
  async changes(id: string, draft: Partial<EmailingDraft>): Promise<boolean> {
    const row = await this.ctx.db.emailings.get(id);
    if (!row) return false;
    const picked = pickDraft(draft);
    return (Object.keys(picked) as (keyof EmailingDraft)[]).some(
      (k) => JSON.stringify(picked[k]) !== JSON.stringify(row[k])
    );
  }

  /**
   * Finishes a scheduled emailing none of whose recipients is left to send (the relay sent
   * them all before it could be withdrawn); false when some still are.
   */
  async finishIfSent(id: string): Promise<boolean> {
    const db = this.ctx.db;
    return db.transaction('rw', db.emailings, db.sendLedger, async () => {
      const row = await db.emailings.get(id);
      if (!row || row.status !== 'scheduled' || !row.materialised) return false;
      const open = await db.sendLedger
        .where('[emailingId+state]')
        .anyOf([id, 'queued'], [id, 'handed'])
        .count();
      if (open > 0) return false;
      const at = isoAt(this.ctx);
      await db.emailings.update(id, {
        status: 'finished',
        startedAt: row.startedAt ?? row.scheduledAt,
        finishedAt: at,
        updatedAt: at
      });
      return true;
    });
  }

  async problems(id: string): Promise<MergeProblem[]> {
    const row = await this.row(id);
    const loaded = await this.ctx.cache.get(row.campaignId);
    const fields = loaded?.contacts?.fields.map((f) => f.name) ?? [];
    const out: MergeProblem[] = [
      ...mergeProblems(row.subject, fields, 'subject'),
      ...mergeProblems(row.html, fields, 'HTML body'),
      ...mergeProblems(row.text, fields, 'text body'),
      ...mergeProblems(row.fromName, fields, 'from name')
    ];
    const need = (ok: boolean, part: string, message: string) => {
      if (!ok) out.push({ part, line: 1, column: 1, message });
    };
    need(row.subject.trim() !== '', 'subject', 'The subject is empty.');
    need(
      /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(row.fromEmail.trim()),
      'from address',
      'The from address is not an email address.'
    );
    need(
      row.replyTo.trim() === '' || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(row.replyTo.trim()),
      'reply-to',
      'The reply-to address is not an email address.'
    );
    need(row.html.trim() !== '' || row.text.trim() !== '', 'HTML body', 'The message has no body.');
    need(row.targets.length > 0, 'targets', 'Choose at least one segment or list to send to.');
    need(
      emailField(loaded?.contacts ?? null) !== null,
      'targets',
      'This campaign has no email field to send to.'
    );
    return out;
  }

  /** Candidates of each target, from stored memberships (regenerated first when asked). */
  private async candidates(
    campaignId: string,
    targets: string[],
    refresh: boolean
  ): Promise<{ lists: Candidate[][]; problem: string | null }> {
    if (refresh) {
      const rows = await this.segments.listSegments(campaignId);
      for (const id of targets) {
        const s = rows.find((r) => r.id === id);
        if (s && s.kind === 'dynamic' && !s.isDefault) {
          const outcome = await this.segments.generate(id, { now: isoAt(this.ctx) });
          if (!outcome.ok && 'errors' in outcome) {
            return {
              lists: [],
              problem: `The segment "${s.name}" could not be updated: ${outcome.errors[0]?.message}`
            };
          }
        }
      }
    }
    const loaded = await this.ctx.cache.get(campaignId);
    const table = loaded?.contacts ?? null;
    const field = emailField(table);
    if (!loaded || !table || !field)
      return { lists: [], problem: 'This campaign has no email field to send to.' };
    const lists: Candidate[][] = [];
    for (const id of targets) {
      const bits = await this.segments.membership(loaded, id);
      const list: Candidate[] = [];
      if (bits) {
        for (let r = 0; r < table.rowCount; r++) {
          if (getBit(bits, r)) list.push({ contactId: r, email: fieldText(table, r, field) });
        }
      }
      lists.push(list);
    }
    return { lists, problem: null };
  }

  private async lastReceived(
    campaignId: string,
    capDays: number | null
  ): Promise<Map<string, number>> {
    const map = new Map<string, number>();
    if (!capDays) return map;
    const from = this.ctx.now() - capDays * DAY_MS;
    await this.ctx.db.sendLedger
      .where('campaignId')
      .equals(campaignId)
      .each((r) => {
        if ((r.state === 'accepted' || r.state === 'handed') && r.handedAt) {
          const at = Date.parse(r.handedAt);
          if (at >= from && at > (map.get(r.email) ?? 0)) map.set(r.email, at);
        }
      });
    return map;
  }

  private async selection(
    campaignId: string,
    targets: string[],
    capDays: number | null,
    refresh: boolean
  ) {
    const { lists, problem } = await this.candidates(campaignId, targets, refresh);
    const sel = selectRecipients(lists, {
      suppressed: await this.suppressions.addresses(campaignId),
      capDays,
      lastReceived: await this.lastReceived(campaignId, capDays),
      now: this.ctx.now()
    });
    return { sel, problem };
  }

  async audience(
    campaignId: string,
    targets: string[],
    capDays: number | null
  ): Promise<AudienceCount> {
    await this.ctx.ready;
    if (targets.length === 0) {
      return {
        contacts: 0,
        toSend: 0,
        counts: { ...NO_SKIPS },
        problem: 'Choose at least one segment or list.'
      };
    }
    const { sel, problem } = await this.selection(campaignId, targets, capDays, false);
    return { contacts: sel.contacts, toSend: sel.recipients.length, counts: sel.counts, problem };
  }

  /** Writes the recipients (queued) and the skipped (with reason) to the ledger, once. */
  async materialise(id: string, refresh: boolean): Promise<void> {
    const row = await this.row(id);
    if (row.materialised) return;
    const { sel, problem } = await this.selection(
      row.campaignId,
      row.targets,
      row.capDays,
      refresh
    );
    if (problem) throw new Error(problem);
    const base = { emailingId: id, campaignId: row.campaignId, batchNo: null, handedAt: null };
    const at = isoAt(this.ctx);
    const ledger: LedgerRow[] = [
      ...sel.recipients.map((r) => ({
        ...base,
        messageId: messageId(id, r.contactId),
        contactId: r.contactId,
        email: r.email,
        state: 'queued' as const,
        reason: null,
        doneAt: null
      })),
      ...sel.skipped.map((s) => ({
        ...base,
        messageId: messageId(id, s.contactId),
        contactId: s.contactId,
        email: s.email,
        state: 'skipped' as const,
        reason: s.reason,
        doneAt: at
      }))
    ];
    const db = this.ctx.db;
    await db.transaction('rw', db.emailings, db.sendLedger, async () => {
      const fresh = await db.emailings.get(id);
      if (!fresh || fresh.materialised) return;
      await db.sendLedger.bulkPut(ledger);
      await db.emailings.update(id, {
        materialised: true,
        contacts: sel.contacts,
        toSend: sel.recipients.length,
        skipCounts: sel.counts
      });
    });
  }

  async action(
    id: string,
    action: EmailingAction,
    options: { scheduledAt?: string } = {}
  ): Promise<EmailingRecord | null> {
    const row = await this.row(id);
    const next = applyAction(row.status, action);
    const db = this.ctx.db;
    if (action === 'delete') {
      await db.transaction('rw', db.emailings, db.sendLedger, db.sendBatches, async () => {
        await db.emailings.delete(id);
        await db.sendLedger.where('[emailingId+state]').between([id, ''], [id, '\uffff']).delete();
        await db.sendBatches.where('[emailingId+state]').between([id, ''], [id, '\uffff']).delete();
      });
      return null;
    }
    if (action === 'schedule' || action === 'send' || action === 'reschedule') {
      const problems = await this.problems(id);
      if (problems.length) throw new Error(problems[0].message);
    }
    const changes: Partial<EmailingRow> = {
      status: next ?? row.status,
      updatedAt: isoAt(this.ctx),
      error: null
    };
    if (action === 'schedule' || action === 'reschedule') {
      const at = options.scheduledAt ?? row.scheduledAt;
      if (!at || Number.isNaN(Date.parse(at)))
        throw new Error('Choose the date and time to send at.');
      changes.scheduledAt = new Date(at).toISOString();
      // Frozen membership: the recipients are the segment's members now.
      if (!row.refreshTargets) await this.materialise(id, false);
    }
    if (action === 'send' && row.status === 'draft') changes.scheduledAt = null;
    await db.transaction('rw', db.emailings, db.sendLedger, async () => {
      const fresh = await db.emailings.get(id);
      if (!fresh || fresh.status !== row.status)
        throw new Error('This emailing changed meanwhile; try again.');
      await db.emailings.update(id, changes);
      if (action === 'cancel') {
        const at = isoAt(this.ctx);
        await db.sendLedger
          .where('[emailingId+state]')
          .equals([id, 'queued'])
          .modify({ state: 'cancelled', doneAt: at });
        await db.emailings.update(id, { finishedAt: at });
      }
    });
    if (next === 'in_progress') this.wake();
    return this.get(id);
  }

  async preview(id: string, contactId: number): Promise<RenderedPreview> {
    const row = await this.row(id);
    const problems = await this.problems(id);
    const loaded = await this.ctx.cache.get(row.campaignId);
    const table = loaded?.contacts ?? null;
    const field = emailField(table);
    try {
      const r = renderFor(compileEmailing(row), table, contactId);
      return { to: table && field ? fieldText(table, contactId, field) : '', ...r, problems };
    } catch {
      return { to: '', subject: row.subject, html: row.html, text: row.text, problems };
    }
  }

  async contactMailings(campaignId: string, contactId: number): Promise<ContactMailing[]> {
    await this.ctx.ready;
    const emailings = await this.ctx.db.emailings.where('campaignId').equals(campaignId).toArray();
    const out: ContactMailing[] = [];
    for (const e of emailings) {
      const r = await this.ctx.db.sendLedger.get([e.id, messageId(e.id, contactId)]);
      if (r)
        out.push({
          emailingId: e.id,
          name: e.name,
          state: r.state,
          reason: r.reason,
          at: r.doneAt ?? r.handedAt
        });
    }
    return out;
  }
}

function pickDraft(d: Partial<EmailingDraft>): Partial<EmailingDraft> {
  const out: Partial<EmailingDraft> = {};
  const text = ['name', 'fromName', 'fromEmail', 'replyTo', 'subject', 'html', 'text'] as const;
  for (const k of text) if (typeof d[k] === 'string') out[k] = d[k];
  if (Array.isArray(d.targets))
    out.targets = [...new Set(d.targets.filter((t) => typeof t === 'string'))];
  if (typeof d.refreshTargets === 'boolean') out.refreshTargets = d.refreshTargets;
  if (d.scheduledAt === null || typeof d.scheduledAt === 'string') out.scheduledAt = d.scheduledAt;
  if (d.capDays === null || (typeof d.capDays === 'number' && d.capDays >= 0))
    out.capDays = d.capDays || null;
  return out;
}
