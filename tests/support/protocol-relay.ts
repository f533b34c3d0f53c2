/**
 * A small relay speaking protocol v1 over real HTTP, for the sender's tests: idempotent
 * replay by key (422 on a different body), per-address rejection, N failures with 500 or
 * 429 with Retry-After, and a record of every message it "sent" (to count duplicates).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProtocolRelay {
  url: string;
  token: string;
  /** messageId of every message sent, in order (a duplicate appears twice). */
  sent: { messageId: string; to: string; subject: string; html: string; text: string }[];
  keys: string[];
  failNext(count: number, status: 500 | 429 | 'drop-after-send'): void;
  rejectAddress(email: string): void;
  close(): Promise<void>;
}

export async function startProtocolRelay(
  /** delayMs: time each post takes (so a test can pause or reload mid-send). */
  options: { maxBatch?: number; delayMs?: number } = {}
): Promise<ProtocolRelay> {
  const token = 'test-token';
  const store = new Map<string, { body: string; response: string }>();
  const rejected = new Set<string>();
  const failures: (500 | 429 | 'drop-after-send')[] = [];
  const sent: ProtocolRelay['sent'] = [];
  const keys: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8');
      // CORS for the app under test (any origin: this relay only ever listens on 127.0.0.1).
      const origin = req.headers.origin;
      if (origin) {
        res.setHeader('Access-Control-Allow-Origin', origin);
        res.setHeader('Vary', 'Origin');
      }
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, Idempotency-Key',
          'Access-Control-Max-Age': '600'
        });
        res.end();
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401).end('{"error":"bad token"}');
        return;
      }
      if (req.method === 'GET' && req.url === '/v1/capabilities') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            maxBatch: options.maxBatch ?? 500,
            scheduling: false,
            events: false,
            idempotencyTtl: 86400
          })
        );
        return;
      }
      if (req.method === 'POST' && req.url === '/v1/batches') {
        const raw = req.headers['idempotency-key'];
        if (typeof raw !== 'string') {
          res.writeHead(400).end('{"error":"Idempotency-Key required"}');
          return;
        }
        const key = raw.replace(/^"(.*)"$/, '$1');
        keys.push(key);
        const fault = failures.shift();
        if (fault === 500) {
          res.writeHead(500).end('{"error":"boom"}');
          return;
        }
        if (fault === 429) {
          res.writeHead(429, { 'Retry-After': '0' }).end('{"error":"slow down"}');
          return;
        }
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const known = store.get(key);
        if (known) {
          if (known.body !== body) res.writeHead(422).end('{"error":"different body"}');
          else res.writeHead(200, { 'Content-Type': 'application/json' }).end(known.response);
          return;
        }
        const batch = JSON.parse(body) as {
          messages: {
            messageId: string;
            to: { email: string };
            subject: string;
            html: string;
            text: string;
          }[];
        };
        const results = batch.messages.map((m) => {
          if (rejected.has(m.to.email))
            return { messageId: m.messageId, status: 'rejected', reason: '550 5.1.1 No such user' };
          sent.push({
            messageId: m.messageId,
            to: m.to.email,
            subject: m.subject,
            html: m.html,
            text: m.text
          });
          return { messageId: m.messageId, status: 'accepted' };
        });
        const response = JSON.stringify({ results });
        store.set(key, { body, response });
        if (fault === 'drop-after-send') {
          req.socket.destroy();
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(response);
        return;
      }
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    sent,
    keys,
    failNext: (count, status) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    rejectAddress: (email) => rejected.add(email),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
