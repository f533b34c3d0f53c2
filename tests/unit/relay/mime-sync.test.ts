import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { buildSync } from '../../../relay/mime-sync';

type Mail = ConstructorParameters<typeof MailComposer>[0];

const long = 'mot '.repeat(400);
const CASES: [string, Mail][] = [
  [
    'ASCII text and HTML',
    {
      from: 'a@example.org',
      to: 'b@example.org',
      subject: 'Hi',
      text: 'Hello',
      html: '<p>Hello</p>'
    }
  ],
  [
    'non-ASCII names, subject and bodies',
    {
      from: { name: 'Boutique Été', address: 'news@shop.example' },
      to: { name: 'Zoë Ünal', address: 'z@example.org' },
      replyTo: { name: 'Service client', address: 'help@shop.example' },
      subject: 'Nouveautés pour vous, Zoë — 50 % 🎁',
      text: 'Bonjour Zoë,\n\nVoici les nouveautés.\n',
      html: '<p>Bonjour Zoë,</p><p>Voici les nouveautés à Montréal.</p>',
      headers: { 'List-Unsubscribe': '<http://127.0.0.1:1/u/abc>', 'X-Slice-Emailing': 'em1' }
    }
  ],
  [
    'long lines and trailing spaces',
    {
      from: 'a@example.org',
      to: 'b@example.org',
      subject: long.slice(0, 300),
      text: `${long}  \nnext line \t\n`,
      html: `<p>${long}</p>`
    }
  ],
  [
    'text only',
    { from: 'a@example.org', to: 'b@example.org', subject: 'Only text', text: 'Just words, plain.' }
  ],
  [
    'HTML only, one long line',
    {
      from: 'a@example.org',
      to: 'b@example.org',
      subject: 'x',
      html: `<div>${'é'.repeat(3000)}</div>`
    }
  ]
];

describe('synchronous MIME build', () => {
  it.each(CASES)('gives the bytes nodemailer streams: %s', async (_name, mail) => {
    const date = new Date('2026-12-04T10:00:00Z');
    const node = new MailComposer({ ...mail, date, messageId: '<fixed@example.org>' }).compile();
    const fast = buildSync(node);
    expect(fast).not.toBeNull();
    const streamed = await node.build();
    expect(fast!.toString('utf8')).toBe(streamed.toString('utf8'));
    for (const line of fast!.toString('utf8').split('\r\n'))
      expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
  });

  it('builds a base64 attachment the same, and leaves file or stream content to nodemailer', async () => {
    const node = new MailComposer({
      from: 'a@example.org',
      to: 'b@example.org',
      text: 'x',
      attachments: [{ filename: 'a.bin', content: Buffer.from([0, 13, 10, 255]) }]
    }).compile();
    const streamed = new MailComposer({
      from: 'a@example.org',
      to: 'b@example.org',
      text: { path: '/nonexistent' } as unknown as string
    }).compile();
    expect(buildSync(streamed)).toBeNull();
    const fast = buildSync(node);
    expect(fast?.toString('utf8')).toBe((await node.build()).toString('utf8'));
  });
});
