/**
 * The Analytics tab's figures, computed here in the worker (the page only draws): the
 * campaign's delivery events, what only the send ledger knows of its messages, the ledger's
 * counters per emailing, the segments' size histories and the campaign's participation events,
 * handed to the pure core's buildDashboard. Delivery events come from `deliveryColumns` (the
 * delivery store); the hand-overs and rejections of an emailing the store holds no hand-over
 * of are read from its ledger (same message keys, so a message both know counts once).
 */
import {
  buildDashboard,
  COMPLAINT_CONFIRM_RATE,
  type Dashboard,
  type LedgerCounts
} from '$lib/core/analytics/dashboard';
import {
  DELIVERY_KINDS,
  toDeliveryColumns,
  type CountingColumns,
  type DeliveryColumns
} from '$lib/core/analytics/delivery-columns';
import { ledgerEvents } from '$lib/core/analytics/ledger-events';
import { mergeDeliveryColumns } from '$lib/core/analytics/merge-columns';
import { parseIsoDay, zoneClock } from '$lib/core/segment/dates';
import { campaignTimeZone, type CampaignRow } from '$lib/db/campaigns';
import type { EmailingRow } from '$lib/db/emailings';
import { listSegmentRows } from '$lib/db/segments';
import { eventsOf } from './campaign-cache';
import type { EngineContext } from './engine-context';

/** The dashboard, with where the worker spent its time (ms): reading the events, counting. */
export type DashboardResult = Dashboard & { ms: { read: number; aggregate: number } };

export type { Dashboard };

/** Complaint rates (complaints / delivered; null when nothing was delivered). */
export interface CampaignComplaints {
  rate: number | null;
  /** Over COMPLAINT_CONFIRM_RATE (0.3 %): sending to the campaign asks first. */
  confirm: boolean;
  /** Each emailing's rate; `flag` when over COMPLAINT_FLAG_RATE (0.1 %). */
  emailings: { id: string; rate: number | null; flag: boolean }[];
}

export interface DashboardQuery {
  /** One emailing's figures; null or absent = the whole campaign. */
  emailingId?: string | null;
  /** First day shown (YYYY-MM-DD, a calendar day in the campaign's zone); null = from the start. */
  fromDay?: string | null;
  /** Last day shown, included; null = up to the last event. */
  toDay?: string | null;
}

/**
 * The campaign's delivery events as the delivery store keeps them (null when it has none):
 * `counting`, what the figures need, and `whole`, with the message keys a merge with the
 * send ledger matches on.
 */
export interface DeliveryColumnsSource {
  counting(campaignId: string): Promise<CountingColumns | null>;
  whole(campaignId: string): Promise<DeliveryColumns | null>;
}

const NO_STORE: DeliveryColumnsSource = {
  counting: async () => null,
  whole: async () => null
};

/** Event types counted as participations (the campaign's own events, not email activity). */
const PARTICIPATION = /^participations?$/i;

const SENT = DELIVERY_KINDS.indexOf('sent');

/** Emailings the store holds hand-overs of (their ledger then adds nothing). */
function emailingsWithSends(c: CountingColumns): Set<string> {
  const seen = new Uint8Array(c.emailings.length);
  for (let i = 0; i < c.count; i++) if (c.kind[i] === SENT) seen[c.emailing[i]] = 1;
  return new Set(c.emailings.filter((_, code) => seen[code] === 1));
}

function ledgerCounts(row: EmailingRow): LedgerCounts {
  return {
    emailingId: row.id,
    name: row.name,
    contacts: row.contacts,
    toSend: row.toSend,
    accepted: row.accepted,
    rejected: row.rejected,
    skipCounts: row.skipCounts,
    startedAt: row.startedAt
  };
}

export class AnalyticsService {
  constructor(
    private readonly ctx: EngineContext,
    private readonly store: DeliveryColumnsSource = NO_STORE
  ) {}

  /**
   * The campaign's delivery events: the store's, plus the ledger's for emailings it lacks.
   * Only when the ledger adds some are the store's message keys read (to match its messages).
   */
  private async columns(campaignId: string, emailings: EmailingRow[]): Promise<CountingColumns> {
    const counting = await this.store.counting(campaignId);
    const known = counting ? emailingsWithSends(counting) : new Set<string>();
    const fromLedger = emailings.filter((e) => !known.has(e.id) && e.accepted + e.rejected > 0);
    if (fromLedger.length === 0) return counting ?? toDeliveryColumns([]);
    const stored = counting ? await this.store.whole(campaignId) : null;
    const parts: DeliveryColumns[] = stored ? [stored] : [];
    for (const e of fromLedger) {
      const rows = await this.ctx.db.sendLedger
        .where('[emailingId+state]')
        .anyOf([
          [e.id, 'accepted'],
          [e.id, 'rejected']
        ])
        .toArray();
      parts.push(toDeliveryColumns(ledgerEvents(rows)));
    }
    return parts.length === 0 ? toDeliveryColumns([]) : mergeDeliveryColumns(parts);
  }

  private async participations(campaign: CampaignRow): Promise<Float64Array> {
    // Without such events there is nothing to read: the campaign's tables are not loaded.
    if (!campaign.eventTypes.some((t) => PARTICIPATION.test(t.trim()))) return new Float64Array(0);
    const loaded = await this.ctx.cache.get(campaign.id);
    if (!loaded) return new Float64Array(0);
    const events = await eventsOf(loaded);
    const codes = new Set<number>();
    events.types.forEach((t, i) => {
      if (PARTICIPATION.test(t.trim())) codes.add(i);
    });
    if (codes.size === 0) return new Float64Array(0);
    let n = 0;
    for (let i = 0; i < events.count; i++) if (codes.has(events.type[i])) n++;
    const out = new Float64Array(n);
    let j = 0;
    for (let i = 0; i < events.count; i++) if (codes.has(events.type[i])) out[j++] = events.at[i];
    return out;
  }

  async dashboard(campaignId: string, query: DashboardQuery = {}): Promise<DashboardResult | null> {
    await this.ctx.ready;
    const t0 = this.ctx.tick();
    const campaign = await this.ctx.db.campaigns.get(campaignId);
    if (!campaign) return null;
    const emailings = (await this.ctx.db.emailings.where('campaignId').equals(campaignId).toArray())
      .filter((e) => e.startedAt !== null || e.accepted + e.rejected > 0)
      .sort((a, b) => (a.startedAt ?? a.createdAt).localeCompare(b.startedAt ?? b.createdAt));
    const [columns, segments, participations] = await Promise.all([
      this.columns(campaignId, emailings),
      listSegmentRows(this.ctx.db, campaignId),
      this.participations(campaign)
    ]);
    const timeZone = campaignTimeZone(campaign);
    const clock = zoneClock(timeZone);
    const day = (iso: string | null | undefined, problem: string) => {
      if (!iso) return null;
      const d = parseIsoDay(iso);
      if (d === null) throw new Error(problem.replace('%s', iso));
      return d;
    };
    const fromDay = day(query.fromDay, 'The first day "%s" is not a date (YYYY-MM-DD).');
    const toDay = day(query.toDay, 'The last day "%s" is not a date (YYYY-MM-DD).');
    if (fromDay !== null && toDay !== null && toDay < fromDay) {
      throw new Error('The last day of the range is before its first day.');
    }
    const t1 = this.ctx.tick();
    const dashboard = buildDashboard({
      columns,
      ledger: emailings.map(ledgerCounts),
      emailing: query.emailingId ?? null,
      from: fromDay === null ? null : clock.startOfDay(fromDay),
      to: toDay === null ? null : clock.startOfDay(toDay + 1),
      timeZone,
      segments: segments.map((s) => ({ id: s.id, name: s.name, history: s.sizeHistory ?? [] })),
      participations
    });
    const ms = (t: number) => Math.round(t * 10) / 10;
    return { ...dashboard, ms: { read: ms(t1 - t0), aggregate: ms(this.ctx.tick() - t1) } };
  }

  /**
   * The campaign's complaint rate and whether sending to it should be confirmed first, with
   * each emailing's rate and whether it is flagged (over 0.1 %): the figures the dashboard shows.
   */
  async complaints(campaignId: string): Promise<CampaignComplaints> {
    const d = await this.dashboard(campaignId);
    const rate = d?.complaints.rate ?? null;
    return {
      rate,
      confirm: rate !== null && rate > COMPLAINT_CONFIRM_RATE,
      emailings: (d?.emailings ?? []).map((e) => ({
        id: e.id,
        rate: e.figures.complaint_rate,
        flag: e.complaintFlag
      }))
    };
  }
}
