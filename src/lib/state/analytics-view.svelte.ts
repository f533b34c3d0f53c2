/**
 * The Analytics tab's state: the filter (one emailing or the whole campaign, a range of days in
 * the campaign's zone) and the dashboard the worker computed for it. A newer request wins: an
 * answer to an older filter is dropped.
 */
import type { Dashboard } from '$lib/engine/analytics-api';
import { engine, errorMessage } from './engine';

export class AnalyticsView {
  dashboard = $state<Dashboard | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** '' = every emailing. */
  emailingId = $state('');
  fromDay = $state('');
  toDay = $state('');
  private asked = 0;

  constructor(readonly campaignId: string) {}

  async load(): Promise<void> {
    const ask = ++this.asked;
    this.loading = true;
    try {
      const d = await engine().campaignDashboard(this.campaignId, {
        emailingId: this.emailingId || null,
        fromDay: this.fromDay || null,
        toDay: this.toDay || null
      });
      if (ask !== this.asked) return;
      this.dashboard = d;
      this.error = null;
    } catch (err) {
      if (ask === this.asked) this.error = errorMessage(err);
    } finally {
      if (ask === this.asked) this.loading = false;
    }
  }
}
