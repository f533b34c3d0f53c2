/**
 * A real SMTP server (smtp-server) for relay tests and the relay-smtp-10k benchmark: it
 * keeps every message it accepted, parsed by mailparser on demand, and lets a test decide
 * the reply to each recipient (accept, or an error with a reply code).
 */
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface Received {
  to: string[];
  from: string;
  raw: Buffer;
}

export type RcptVerdict = null | { code: number; message: string };

export interface SinkOptions {
  port: number;
  /** Decides the reply to RCPT TO; null accepts. */
  onRcpt?: (address: string, session: SMTPServerSession) => RcptVerdict;
  /** Awaited before a message's data is accepted (to hold a message in flight). */
  beforeAccept?: () => Promise<void>;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: Received[];
  parse(raw: Buffer): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(options: SinkOptions): Promise<SmtpSink> {
  const received: Received[] = [];
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 50 * 2 ** 20,
    onRcptTo(address: SMTPServerAddress, session, callback) {
      const verdict = options.onRcpt?.(address.address, session) ?? null;
      if (!verdict) return callback();
      const error = new Error(verdict.message) as Error & { responseCode: number };
      error.responseCode = verdict.code;
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const done = () => {
          received.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            raw: Buffer.concat(chunks)
          });
          callback();
        };
        if (options.beforeAccept) void options.beforeAccept().then(done);
        else done();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  // Port 0 asks the system for a free port: report the one it gave.
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    parse: (raw) => simpleParser(raw),
    close: () => new Promise<void>((r) => server.close(() => r()))
  };
}
