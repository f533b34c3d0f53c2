/**
 * The reference relay's HTTP server (protocol v1, SPEC.md section 4) on node:http:
 * `/v1/*` needs the bearer token and answers CORS for the configured origins only; the
 * recipient-facing links (`/u/` unsubscribe, `/o/` open pixel, `/c/` click redirect, `/h/`
 * honeypot) need no token, set no cookie and never redirect an unsubscribe.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BatchError, validateBatch, type BatchResponse } from './batch';
import { BatchSender } from './batch-sender';
import { BatchStore, type BatchRecord } from './batch-store';
import { fingerprint } from './canonical-json';
import type { RelayConfig } from './config';
import { ConnectionLost, OutboxDelivery, SmtpDelivery, type Delivery } from './delivery';
import { EventLog } from './event-log';
import { readBody, sendHtml, sendJson, TooLarge } from './http-util';
import { parseIdempotencyKey } from './idempotency-key';
import { LinkSigner } from './link-signer';
import { MachineDetector } from './machine-detector';
import { MessageBuilder, type MessageRef } from './message-builder';
import { confirmPage, donePage, notFoundPage, PIXEL } from './pages';

export interface Relay {
  url: string;
  port: number;
  config: RelayConfig;
  events: EventLog;
  store: BatchStore;
  close(): Promise<void>;
}

export interface RelayOptions {
  log?: (line: string) => void;
}

const EXPOSED = 'Retry-After, Idempotent-Replayed';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export async function startRelay(config: RelayConfig, options: RelayOptions = {}): Promise<Relay> {
  const log = options.log ?? ((line: string) => console.log(line));
  const store = new BatchStore(config.dataDir);
  const events = new EventLog(config.dataDir);
  const signer = LinkSigner.fromDataDir(config.dataDir);
  const machine = new MachineDetector(config.machineClickSeconds);
  const unsubscribed = new Set<string>();
  for (const e of events.all()) {
    if (e.type === 'delivered') machine.noteDelivered(e.messageId, Date.parse(e.at));
    if (e.type === 'unsubscribed') unsubscribed.add(e.messageId);
  }
  let url = '';
  const builder = new MessageBuilder(config, signer, () => url);
  const delivery: Delivery = config.smtpUrl
    ? new SmtpDelivery(config)
    : new OutboxDelivery(config.outboxDir);
  const concurrency = config.smtpUrl ? config.smtpMaxConnections * 2 : 16;
  const sender = new BatchSender(store, delivery, builder, events, machine, concurrency, log);
  store.purge(config.idempotencyTtlSeconds);
  if (config.testRetention)
    log(
      `RELAY_TEST_IDEMPOTENCY_TTL: keys kept ${config.idempotencyTtlSeconds} s, below the protocol's 24 h (for tests only)`
    );
  // Hourly, or as often as a test retention needs.
  const purgeTimer = setInterval(
    () => store.purge(config.idempotencyTtlSeconds),
    Math.min(3_600_000, config.idempotencyTtlSeconds * 1000)
  );
  purgeTimer.unref();

  const originAllowed = (origin: string) =>
    config.allowedOrigins.includes('*') || config.allowedOrigins.includes(origin);

  function cors(req: IncomingMessage, res: ServerResponse): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    if (!originAllowed(origin)) {
      sendJson(res, 403, {
        error: `Origin ${origin} is not allowed by this relay (RELAY_ALLOWED_ORIGINS).`
      });
      return false;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', EXPOSED);
    return true;
  }

  function preflight(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (origin === undefined || !originAllowed(origin)) {
      res.writeHead(403, { 'content-length': 0 }).end();
      return;
    }
    const headers: Record<string, string> = {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, DELETE, OPTIONS',
      'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key',
      'access-control-max-age': '600',
      vary: 'Origin',
      'content-length': '0'
    };
    // Chrome's Private Network Access: a page served from elsewhere may call this local relay.
    if (req.headers['access-control-request-private-network'] === 'true')
      headers['access-control-allow-private-network'] = 'true';
    res.writeHead(204, headers).end();
  }

  function authorised(req: IncomingMessage, res: ServerResponse): boolean {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && sameToken(match[1].trim(), config.token)) return true;
    sendJson(
      res,
      401,
      {
        error: header ? 'The bearer token is wrong.' : 'Authorization: Bearer <token> is missing.'
      },
      { 'www-authenticate': 'Bearer realm="relay"' }
    );
    return false;
  }

  function capabilities() {
    return {
      maxBatch: config.maxBatch,
      scheduling: true,
      events: true,
      idempotencyTtl: config.idempotencyTtlSeconds,
      version: 1,
      mode: delivery.mode,
      tracking: config.publicUrl !== null
    };
  }

  function answer(res: ServerResponse, outcome: BatchResponse | ConnectionLost, replayed = false) {
    if (outcome instanceof ConnectionLost) {
      sendJson(res, 503, { error: outcome.message }, { 'retry-after': '30' });
      return;
    }
    sendJson(res, 200, outcome, replayed ? { 'idempotent-replayed': 'true' } : {});
  }

  async function postBatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsedKey = parseIdempotencyKey(req.headers['idempotency-key']);
    if ('error' in parsedKey) return sendJson(res, 400, { error: parsedKey.error });
    const { key } = parsedKey;
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req, config.maxBodyBytes)).toString('utf8'));
    } catch (error) {
      if (error instanceof TooLarge) return sendJson(res, 413, { error: error.message });
      return sendJson(res, 400, { error: `The body is not JSON: ${(error as Error).message}` });
    }
    let batch;
    try {
      batch = validateBatch(body, config.maxBatch);
    } catch (error) {
      if (error instanceof BatchError) {
        const status = error.message.includes('maxBatch') ? 413 : 400;
        return sendJson(res, status, { error: error.message });
      }
      throw error;
    }
    const print = fingerprint(body);
    const existing = store.get(key);
    if (existing) {
      if (existing.fingerprint !== print)
        return sendJson(res, 422, {
          error: `Idempotency-Key "${key}" was used with a different body (batch ${existing.batch.batchId}).`
        });
      if (sender.isRunning(key))
        return sendJson(
          res,
          409,
          { error: 'This batch is still being sent; retry later.' },
          {
            'retry-after': '1'
          }
        );
      if (existing.response) return answer(res, existing.response, true);
      // Interrupted earlier (SMTP server unreachable): carry on with the same key.
      return answer(res, await sender.run(existing));
    }
    const other = store.getByBatchId(batch.batchId);
    if (other)
      return sendJson(res, 422, {
        error: `batchId "${batch.batchId}" was already posted with Idempotency-Key "${other.key}".`
      });
    const due = batch.sendAt ? Date.parse(batch.sendAt) : 0;
    const record: BatchRecord = {
      key,
      fingerprint: print,
      batch,
      state: due > Date.now() ? 'scheduled' : 'sending',
      createdAt: new Date().toISOString()
    };
    if (record.state === 'scheduled') {
      record.response = {
        results: batch.messages.map((m) => ({
          messageId: m.messageId,
          status: 'accepted' as const
        })),
        scheduled: new Date(due).toISOString()
      };
      store.save(record);
      sender.schedule(record);
      return answer(res, record.response);
    }
    store.save(record);
    answer(res, await sender.run(record));
  }

  function cancelBatch(res: ServerResponse, batchId: string): void {
    const record = store.getByBatchId(batchId);
    if (!record) return sendJson(res, 404, { error: `No batch "${batchId}".` });
    if (record.state === 'scheduled') {
      sender.unschedule(record.key);
      record.state = 'cancelled';
      record.closedAt = new Date().toISOString();
      store.save(record);
    }
    if (record.state === 'cancelled') return sendJson(res, 200, { batchId, status: 'cancelled' });
    sendJson(res, 409, {
      error: `Batch "${batchId}" is ${record.state === 'done' ? 'already sent' : 'being sent'}; it cannot be cancelled.`,
      status: record.state
    });
  }

  function listEvents(res: ServerResponse, params: URLSearchParams): void {
    const after = params.get('after');
    if (after !== null && after !== '' && !/^\d+$/.test(after))
      return sendJson(res, 400, { error: `after="${after}": not a cursor this relay gave.` });
    const limitText = params.get('limit') ?? '100';
    const limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      return sendJson(res, 400, { error: `limit="${limitText}": expected 1 to 1000.` });
    sendJson(res, 200, events.page(after || null, limit));
  }

  async function recipientLink(req: IncomingMessage, res: ServerResponse, path: string) {
    const [, kind, rawToken] = /^\/([ucoh])\/([^/]+)$/.exec(path) ?? [];
    const token = kind === 'o' ? rawToken.replace(/\.gif$/, '') : rawToken;
    const value = signer.verify(kind === 'h' ? 'o' : kind, token) as
      (MessageRef & { u?: string }) | null;
    if (!value || typeof value.m !== 'string') return sendHtml(res, 404, notFoundPage());
    const ua = req.headers['user-agent'];
    const now = Date.now();
    if (kind === 'u') {
      if (req.method === 'POST') {
        // RFC 8058: the body (form or multipart) says "List-Unsubscribe=One-Click"; the
        // signed link alone identifies the message, so the body is only drained.
        await readBody(req, 1_000_000).catch(() => Buffer.alloc(0));
        if (!unsubscribed.has(value.m)) {
          unsubscribed.add(value.m);
          events.append([{ messageId: value.m, type: 'unsubscribed' }]);
        }
        return sendHtml(res, 200, donePage());
      }
      if (req.method === 'GET' || req.method === 'HEAD')
        return sendHtml(res, 200, confirmPage(path));
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      if (kind === 'o') {
        events.append([
          {
            messageId: value.m,
            type: 'opened',
            ...(machine.isMachineOpen(ua) ? { machine: true as const } : {})
          }
        ]);
        res.writeHead(200, {
          'content-type': 'image/gif',
          'content-length': PIXEL.length,
          'cache-control': 'no-store, private'
        });
        res.end(PIXEL);
        return;
      }
      if (kind === 'h') {
        machine.noteHoneypot(value.m, now);
        events.append([{ messageId: value.m, type: 'clicked', url: 'honeypot', machine: true }]);
        return sendHtml(res, 200, '<!doctype html><title>.</title>');
      }
      if (typeof value.u === 'string' && /^https?:\/\//.test(value.u)) {
        const isMachine = machine.isMachineClick(value.m, ua, now);
        events.append([
          {
            messageId: value.m,
            type: 'clicked',
            url: value.u,
            ...(isMachine ? { machine: true as const } : {})
          }
        ]);
        res.writeHead(302, { location: value.u, 'cache-control': 'no-store' });
        res.end();
        return;
      }
    }
    sendHtml(res, 405, notFoundPage());
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const parsed = new URL(req.url ?? '/', 'http://relay');
    const path = parsed.pathname;
    if (/^\/[ucoh]\//.test(path)) return recipientLink(req, res, path);
    if (!path.startsWith('/v1/')) {
      if (path === '/') return sendJson(res, 200, { relay: 'slice reference relay', protocol: 1 });
      return sendJson(res, 404, { error: `No route ${req.method} ${path}.` });
    }
    if (req.method === 'OPTIONS') return preflight(req, res);
    if (!cors(req, res) || !authorised(req, res)) return;
    if (path === '/v1/capabilities' && req.method === 'GET')
      return sendJson(res, 200, capabilities());
    if (path === '/v1/batches' && req.method === 'POST') return postBatch(req, res);
    const del = /^\/v1\/batches\/([^/]+)$/.exec(path);
    if (del && req.method === 'DELETE') return cancelBatch(res, decodeURIComponent(del[1]));
    if (path === '/v1/events' && req.method === 'GET') return listEvents(res, parsed.searchParams);
    sendJson(res, 404, { error: `No route ${req.method} ${path}.` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`relay error on ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent)
        sendJson(res, 500, { error: 'Internal relay error; retry with the same key.' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  sender.restore();

  return {
    url,
    port,
    config,
    events,
    store,
    async close() {
      clearInterval(purgeTimer);
      await sender.close();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await delivery.close();
      store.close();
      events.close();
    }
  };
}
