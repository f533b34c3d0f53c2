/**
 * Opens and clicks that machines make: mail privacy proxies fetch every pixel (Apple Mail
 * Privacy Protection, Gmail's image proxy, Yahoo's), link scanners click every link (Microsoft
 * SafeLinks, Mimecast, Proofpoint, Barracuda). A provider's own bot flag wins when the file has
 * one; otherwise the user agent is matched against these known patterns.
 */
const MACHINE_USER_AGENTS: RegExp[] = [
  /GoogleImageProxy/i,
  /ggpht\.com/i,
  /YahooMailProxy/i,
  /Yahoo! Slurp/i,
  /Mozilla\/5\.0 \(Macintosh; Intel Mac OS X 10_15_7\) AppleWebKit\/605\.1\.15 \(KHTML, like Gecko\)$/,
  /\bbot\b|crawler|spider|scanner/i,
  /SafeLinks|Microsoft Office Protection|BingPreview/i,
  /Mimecast|Proofpoint|Barracuda|Symantec|MessageLabs|Forcepoint|Trend ?Micro/i,
  /python-requests|curl\/|Go-http-client|HeadlessChrome/i
];

/** Whether a user agent is a known prefetcher or link scanner. */
export function isMachineUserAgent(userAgent: string): boolean {
  const ua = userAgent.trim();
  if (ua === '') return false;
  for (const pattern of MACHINE_USER_AGENTS) if (pattern.test(ua)) return true;
  return false;
}
