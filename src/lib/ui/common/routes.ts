/**
 * The app's links. They are bare hash links (`#/campaigns/ID`) on purpose: SvelteKit's
 * resolve() prefixes its base path, which with hash routing and relative paths is the app's
 * folder without its trailing slash (`/slice/app`), so its links would leave the folder and
 * 404 on a static host. A bare hash stays in the current document wherever it is hosted.
 */
import type { ResolvedPathname } from '$app/types';

function route(path: string): ResolvedPathname {
  return `#${path}` as ResolvedPathname;
}

const id = (value: string) => encodeURIComponent(value);

export const routes = {
  home: () => route('/'),
  campaign: (campaignId: string) => route(`/campaigns/${id(campaignId)}`),
  contact: (campaignId: string, contactId: number) =>
    route(`/campaigns/${id(campaignId)}/contacts/${contactId}`),
  /** The contacts browser restricted to a segment's members. */
  members: (campaignId: string, segmentId: string) =>
    route(`/campaigns/${id(campaignId)}/members/${id(segmentId)}`),
  member: (campaignId: string, segmentId: string, contactId: number) =>
    route(`/campaigns/${id(campaignId)}/members/${id(segmentId)}/contacts/${contactId}`),
  segments: (campaignId: string) => route(`/campaigns/${id(campaignId)}/segments`),
  /** A segment's editor; `new` opens an empty one. */
  segment: (campaignId: string, segmentId: string) =>
    route(`/campaigns/${id(campaignId)}/segments/${id(segmentId)}`),
  /** A new segment with a template's conditions, matched to this campaign's fields. */
  segmentFromTemplate: (campaignId: string, templateId: string) =>
    route(`/campaigns/${id(campaignId)}/segments/template/${id(templateId)}`),
  emailings: (campaignId: string) => route(`/campaigns/${id(campaignId)}/emailings`),
  emailing: (campaignId: string, emailingId: string) =>
    route(`/campaigns/${id(campaignId)}/emailings/${id(emailingId)}`),
  analytics: (campaignId: string) => route(`/campaigns/${id(campaignId)}/analytics`),
  import: (campaignId: string) => route(`/campaigns/${id(campaignId)}/import`),
  history: (campaignId: string) => route(`/campaigns/${id(campaignId)}/history`),
  settings: (campaignId: string) => route(`/campaigns/${id(campaignId)}/settings`)
};
