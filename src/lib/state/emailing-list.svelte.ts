/**
 * The Emailings tab's list (the Scheduled view): every emailing of the campaign with its
 * status, progress and allowed actions, polled while shown so that a tab that does not send
 * still follows the one that does.
 */
import type { CampaignComplaints } from '$lib/engine/analytics-api';
import type { EmailingAction, EmailingRecord, SenderStatus } from '$lib/engine/emailing-api';
import { engine, errorMessage } from './engine';

const POLL_MS = 1000;

export class EmailingList {
  readonly campaignId: string;
  emailings = $state<EmailingRecord[]>([]);
  sender = $state<SenderStatus | null>(null);
  /** The "ask before sending an overdue emailing" setting. */
  confirmOverdue = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /**
   * Each emailing's complaint rate (flagged over 0.1 %), as Analytics counts it. Asked when the
   * list opens and after each action, not every poll: it counts every delivery event.
   */
  complaints = $state<CampaignComplaints['emailings']>([]);
  #poll: ReturnType<typeof setTimeout> | undefined;
  #disposed = false;

  constructor(campaignId: string) {
    this.campaignId = campaignId;
  }

  async load(): Promise<void> {
    clearTimeout(this.#poll);
    try {
      const [emailings, sender, settings] = await Promise.all([
        engine().listEmailings(this.campaignId),
        engine().senderStatus(),
        engine().relaySettings()
      ]);
      if (this.#disposed) return;
      this.emailings = emailings;
      this.sender = sender;
      this.confirmOverdue = settings.confirmOverdue;
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    } finally {
      this.loaded = true;
    }
    if (!this.#disposed) this.#poll = setTimeout(() => void this.load(), POLL_MS);
  }

  async loadComplaints(): Promise<void> {
    try {
      const { emailings } = await engine().campaignComplaints(this.campaignId);
      if (!this.#disposed) this.complaints = emailings;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** The complaint figures of emailing `id` when it is flagged, else null. */
  complaintFlag(id: string): { rate: number | null } | null {
    return this.complaints.find((c) => c.id === id && c.flag) ?? null;
  }

  async act(id: string, action: EmailingAction, scheduledAt?: string): Promise<void> {
    await engine().emailingAction(id, action, scheduledAt ? { scheduledAt } : undefined);
    await Promise.all([this.load(), this.loadComplaints()]);
  }

  dispose(): void {
    this.#disposed = true;
    clearTimeout(this.#poll);
  }
}
