/**
 * The evaluation inputs the page hands the engine: its clock at call time, and the campaign's
 * time zone (the engine would default to it too; passing it keeps counts and their dates in one
 * zone even if the setting changes mid-edit).
 */
import type { CampaignSummary, EvalOptions } from '$lib/engine/api';

export function evalOptions(campaign: CampaignSummary | null | undefined): EvalOptions {
  return campaign?.timeZone
    ? { now: new Date().toISOString(), timeZone: campaign.timeZone }
    : { now: new Date().toISOString() };
}
