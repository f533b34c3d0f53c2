/**
 * Turns one message of a batch into the MIME bytes that go into the outbox or over SMTP,
 * built with nodemailer's MailComposer: Message-ID, Date, From, RFC 2047 encoded names and
 * subject, multipart/alternative with the text part first and the HTML part last, lines
 * folded or encoded under 998 octets, RFC 8058 one-click unsubscribe headers, the open
 * pixel and click redirects when the relay has a public URL, and a DKIM signature when a
 * key is configured (covering the unsubscribe headers).
 */
import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { OutgoingMessage } from './batch';
import type { RelayConfig } from './config';
import type { LinkSigner } from './link-signer';
import { buildSync } from './mime-sync';

/** Written in a body by the sender, replaced by the message's own unsubscribe link. */
export const UNSUBSCRIBE_PLACEHOLDER = '%RELAY_UNSUBSCRIBE_URL%';

export interface Built {
  raw: Buffer;
  envelope: { from: string; to: string };
  messageIdHeader: string;
}

/** What the unsubscribe, open and click tokens carry. */
export interface MessageRef {
  m: string;
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function decodeAmp(url: string): string {
  return url.replace(/&amp;/gi, '&');
}

export class MessageBuilder {
  private readonly dkim: DKIM | null;

  constructor(
    private readonly config: RelayConfig,
    private readonly signer: LinkSigner,
    /** The base for unsubscribe links when no public URL is set (the relay's own address). */
    private readonly localBase: () => string
  ) {
    this.dkim = config.dkim ? new DKIM({ ...config.dkim }) : null;
  }

  private base(): string {
    return this.config.publicUrl ?? this.localBase();
  }

  unsubscribeUrl(messageId: string): string {
    return `${this.base()}/u/${this.signer.sign('u', { m: messageId } satisfies MessageRef)}`;
  }

  /** Click redirects, a hidden honeypot link and the open pixel, when tracking is on. */
  private track(html: string, messageId: string, unsubscribe: string): string {
    const pub = this.config.publicUrl;
    if (!pub || html === '') return html;
    const rewritten = html.replace(
      /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi,
      (whole, start: string, quote: string, url: string) => {
        const target = decodeAmp(url);
        if (target === unsubscribe) return whole;
        const token = this.signer.sign('c', { m: messageId, u: target });
        return `${start}${quote}${pub}/c/${token}${quote}`;
      }
    );
    const ref = this.signer.sign('o', { m: messageId } satisfies MessageRef);
    const trap =
      `<a href="${pub}/h/${ref}" style="display:none;max-height:0;overflow:hidden;font-size:0" ` +
      `aria-hidden="true" tabindex="-1"></a>`;
    const pixel = `<img src="${pub}/o/${ref}.gif" width="1" height="1" alt="" style="display:block;border:0">`;
    const close = rewritten.search(/<\/body\s*>/i);
    return close >= 0
      ? rewritten.slice(0, close) + trap + pixel + rewritten.slice(close)
      : rewritten + trap + pixel;
  }

  async build(emailingId: string, m: OutgoingMessage, date = new Date()): Promise<Built> {
    const given = Object.entries(m.headers ?? {});
    const ownUnsubscribe = given.find(([k]) => k.toLowerCase() === 'list-unsubscribe');
    const unsubscribe = this.unsubscribeUrl(m.messageId);
    const html = this.track(
      m.html.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribe),
      m.messageId,
      unsubscribe
    );
    let text = m.text.split(UNSUBSCRIBE_PLACEHOLDER).join(unsubscribe);
    if (text.trim() === '') text = convert(m.html, { wordwrap: 76 });

    const headers: Record<string, string> = Object.fromEntries(given);
    if (!ownUnsubscribe) {
      const mailto = this.config.unsubscribeMailto
        ? `, <mailto:${this.config.unsubscribeMailto}?subject=unsubscribe%20${encodeURIComponent(m.messageId)}>`
        : '';
      headers['List-Unsubscribe'] = `<${unsubscribe}>${mailto}`;
    }
    headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';

    // Stable for a message, so a resumed send carries the same Message-ID.
    const id = createHash('sha256').update(`${emailingId}\0${m.messageId}`).digest('hex');
    const messageIdHeader = `<${id.slice(0, 32)}@${domainOf(m.from.email)}>`;
    const composer = new MailComposer({
      messageId: messageIdHeader,
      date,
      from: { name: m.from.name ?? '', address: m.from.email },
      to: { name: m.to.name ?? '', address: m.to.email },
      ...(m.replyTo && typeof m.replyTo === 'object'
        ? { replyTo: { name: m.replyTo.name ?? '', address: m.replyTo.email } }
        : {}),
      subject: m.subject,
      text,
      ...(html.trim() ? { html } : {}),
      headers
    });
    const root = composer.compile();
    let raw = buildSync(root) ?? (await root.build());
    if (this.dkim) raw = await streamToBuffer(this.dkim.sign(raw));
    return { raw, envelope: { from: m.from.email, to: m.to.email }, messageIdHeader };
  }
}

async function streamToBuffer(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
