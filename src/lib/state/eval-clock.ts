/**
 * The evaluation inputs the page hands the engine: its clock at call time and the campaign's
 * time zone (see core/segment/campaign-zone), in one place.
 */
import { campaignTimeZone } from '$lib/core/segment/campaign-zone';
import type { CampaignSummary, EvalOptions } from '$lib/engine/api';

export function evalOptions(campaign: CampaignSummary | null | undefined): EvalOptions {
  return { now: new Date().toISOString(), timeZone: campaignTimeZone(campaign) };
}
