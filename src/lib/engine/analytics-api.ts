/**
 * The analytics part of the EngineApi: the Analytics tab's figures and charts, computed in the
 * worker, and the complaint check the emailings page makes before sending.
 */
import type { CampaignComplaints, DashboardQuery, DashboardResult } from './analytics-service';

export type {
  BounceReason,
  Dashboard,
  DailyCount,
  EmailingFigures,
  FunnelStage,
  GapReason,
  LedgerFigures,
  SegmentHistory,
  TimelineBucket,
  TopLink
} from '$lib/core/analytics/dashboard';
export type { DeliveryFigures } from '$lib/core/analytics/delivery-report';
export type { CampaignComplaints, DashboardQuery, DashboardResult };

export interface AnalyticsApi {
  /** The campaign's dashboard (or one emailing's, over a date range); null: no such campaign. */
  campaignDashboard(campaignId: string, query?: DashboardQuery): Promise<DashboardResult | null>;
  /**
   * The campaign's complaint rate (`confirm` when over 0.3 %: ask before sending) and each
   * emailing's (`flag` when over 0.1 %).
   */
  campaignComplaints(campaignId: string): Promise<CampaignComplaints>;
}
