/**
 * Tells opens and clicks made by software (privacy proxies that prefetch images, link
 * scanners that follow every link) from those made by a person, so analytics can leave
 * them out. Three signals: a known proxy or scanner user agent, a click within seconds of
 * delivery (no person reads that fast), and a hit on the hidden honeypot link (no person
 * can see it), which also marks the clicks on that message close to it in time.
 */
const MACHINE_AGENTS: RegExp[] = [
  /^Mozilla\/5\.0$/, // Apple Mail Privacy Protection fetches with this bare agent
  /GoogleImageProxy|ggpht\.com/i,
  /YahooMailProxy/i,
  /Barracuda|Proofpoint|Mimecast|Symantec|Forcepoint|Trend ?Micro|SafeLinks|Safe Links/i,
  /bot\b|crawler|spider|preview|python-requests|curl\/|wget\/|Go-http-client|okhttp|HeadlessChrome|node-fetch|undici/i
];

export function isMachineAgent(userAgent: string | undefined): boolean {
  const ua = (userAgent ?? '').trim();
  if (ua === '') return true;
  return MACHINE_AGENTS.some((re) => re.test(ua));
}

export class MachineDetector {
  private readonly deliveredAt = new Map<string, number>();
  private readonly honeypotAt = new Map<string, number>();
  private readonly windowMs: number;

  constructor(machineClickSeconds: number) {
    this.windowMs = machineClickSeconds * 1000;
  }

  noteDelivered(messageId: string, at: number): void {
    this.deliveredAt.set(messageId, at);
  }

  noteHoneypot(messageId: string, at: number): void {
    this.honeypotAt.set(messageId, at);
  }

  isMachineOpen(userAgent: string | undefined): boolean {
    return isMachineAgent(userAgent);
  }

  isMachineClick(messageId: string, userAgent: string | undefined, at: number): boolean {
    if (isMachineAgent(userAgent)) return true;
    const delivered = this.deliveredAt.get(messageId);
    if (delivered !== undefined && at - delivered < this.windowMs) return true;
    const trap = this.honeypotAt.get(messageId);
    return trap !== undefined && Math.abs(at - trap) < this.windowMs;
  }
}
