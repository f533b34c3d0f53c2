/**
 * A fault-injecting relay for tests: the real reference relay (outbox mode) behind a proxy
 * that misbehaves the way networks and providers do — fails the first N batch posts with
 * 500, answers 429 with Retry-After, stalls, drops the connection after the relay has read
 * (and processed) the request, and refuses some addresses while accepting the rest.
 * Faults are drawn from a seeded generator, so a run is the same every time.
 *
 * From Node: `const f = await startFaultRelay({ port: 8870, faults: { failFirst: 3 } })`.
 * From Playwright (webServer) or a shell:
 *   `tsx tests/support/fault-relay.ts --port 8870 --fail-first 3 --p429 0.1 --stall 0.05 \
 *      --drop 0.05 --reject-pattern '^bounce' --data-dir /tmp/fault-relay`
 * prints `fault relay at http://127.0.0.1:8870 token ... outbox ...`.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readConfig, type Env } from '../../relay/config';
import { startRelay, type Relay } from '../../relay/server';
import type { BatchResponse, MessageResult, OutgoingMessage } from '../../relay/batch';
import { createRng } from './prng';

/** One scripted misbehaviour of a batch post (see Faults.script). */
export type ScriptedFault = 500 | 429 | 'drop' | 'garbage';

export interface Faults {
  /** The first N batch posts answer 500 without reaching the relay. */
  failFirst?: number;
  /**
   * Faults for the next posts, in order, before any drawn by chance: 500 (not passed on),
   * 429 with Retry-After, 'drop' (passed on and processed, then the connection is cut) or
   * 'garbage' (passed on and processed, then answered 200 with a body that is not JSON, as a
   * broken proxy would).
   * A test may push more while the relay runs (`fault.script.push(500)`).
   */
  script?: ScriptedFault[];
  /** Chance that a batch post answers 429 with `Retry-After: retryAfterSeconds`. */
  p429?: number;
  retryAfterSeconds?: number;
  /** Chance that a batch post is held `stallMs` before it is passed on. */
  pStall?: number;
  stallMs?: number;
  /** Chance that the relay processes the post but the client gets no answer (socket destroyed). */
  pDrop?: number;
  /** Chance of a 502 answered after the relay processed the post (outcome unknown to the client). */
  p502After?: number;
  /**
   * Addresses refused (the rest of the batch is accepted): true or 'hard' for a 5xx reason
   * reported as a hard bounce, 'soft' for a 4xx one reported as a soft bounce.
   */
  reject?: (email: string) => boolean | 'hard' | 'soft';
  seed?: number;
}

export interface FaultStats {
  posts: number;
  failed500: number;
  answered429: number;
  stalled: number;
  dropped: number;
  answered502After: number;
  garbled: number;
}

export interface FaultRelay {
  url: string;
  token: string;
  outboxDir: string;
  relay: Relay;
  stats: FaultStats;
  /** The scripted faults still to come (Faults.script); push to add more. */
  script: ScriptedFault[];
  close(): Promise<void>;
}

export interface FaultRelayOptions {
  port: number;
  /** The real relay's own port (default port + 1; with port 0 both are ephemeral). */
  relayPort?: number;
  dataDir?: string;
  faults?: Faults;
  /** More relay settings (RELAY_ALLOWED_ORIGINS, ...). */
  env?: Env;
}

const REJECT_REASON = '550 5.1.1 fault relay: this address is refused';
const SOFT_REASON = '452 4.2.2 fault relay: mailbox full';

export async function startFaultRelay(options: FaultRelayOptions): Promise<FaultRelay> {
  const faults = options.faults ?? {};
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'fault-relay-'));
  const token = options.env?.RELAY_TOKEN ?? 'fault-relay-token';
  const config = readConfig({
    RELAY_TOKEN: token,
    RELAY_DATA_DIR: dataDir,
    RELAY_PORT: String(options.relayPort ?? (options.port === 0 ? 0 : options.port + 1)),
    RELAY_ALLOWED_ORIGINS: '*',
    ...options.env
  });
  const relay = await startRelay(config, { log: () => {} });
  const rng = createRng(faults.seed ?? 1, 'fault-relay');
  const stats: FaultStats = {
    posts: 0,
    failed500: 0,
    answered429: 0,
    stalled: 0,
    dropped: 0,
    answered502After: 0,
    garbled: 0
  };
  const upstream = new URL(relay.url);
  const script: ScriptedFault[] = [...(faults.script ?? [])];

  function forward(
    req: IncomingMessage,
    body: Buffer
  ): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, 'content-length': String(body.length) };
      delete headers.connection;
      const out = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const h: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers))
              if (
                v !== undefined &&
                k !== 'connection' &&
                k !== 'keep-alive' &&
                k !== 'content-length'
              )
                h[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 502, headers: h, body: Buffer.concat(chunks) });
          });
        }
      );
      out.on('error', reject);
      out.end(body);
    });
  }

  function reply(
    res: ServerResponse,
    status: number,
    headers: Record<string, string>,
    body: Buffer
  ) {
    res.writeHead(status, { ...headers, 'content-length': String(body.length) });
    res.end(body);
  }

  /** Refused addresses are taken out before the relay sees the batch, and put back as rejected. */
  function splitRejected(
    body: Buffer
  ): { body: Buffer; refused: Map<string, 'hard' | 'soft'>; order: string[] } | null {
    if (!faults.reject) return null;
    let parsed: { messages?: OutgoingMessage[] };
    try {
      parsed = JSON.parse(body.toString('utf8')) as { messages?: OutgoingMessage[] };
    } catch {
      return null;
    }
    if (!Array.isArray(parsed.messages)) return null;
    const order = parsed.messages.map((m) => m.messageId);
    const refused = new Map<string, 'hard' | 'soft'>();
    for (const m of parsed.messages) {
      const verdict = faults.reject(m.to?.email ?? '');
      if (verdict) refused.set(m.messageId, verdict === 'soft' ? 'soft' : 'hard');
    }
    if (refused.size === 0) return { body, refused, order };
    const kept = parsed.messages.filter((m) => !refused.has(m.messageId));
    // A batch of refused addresses only: the relay is not asked at all.
    if (kept.length === 0) return { body: Buffer.alloc(0), refused, order };
    return { body: Buffer.from(JSON.stringify({ ...parsed, messages: kept })), refused, order };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const isPost = req.method === 'POST' && req.url === '/v1/batches';
    if (!isPost) {
      const r = await forward(req, body);
      return reply(res, r.status, r.headers, r.body);
    }
    stats.posts++;
    const cors: Record<string, string> = req.headers.origin
      ? {
          'access-control-allow-origin': req.headers.origin,
          'access-control-expose-headers': 'Retry-After'
        }
      : {};
    const json = (status: number, value: unknown, extra: Record<string, string> = {}) =>
      reply(
        res,
        status,
        { 'content-type': 'application/json', ...cors, ...extra },
        Buffer.from(JSON.stringify(value))
      );
    const scripted = script.shift();
    if (scripted === 500 || (scripted === undefined && stats.failed500 < (faults.failFirst ?? 0))) {
      stats.failed500++;
      return json(500, { error: 'fault relay: injected 500' });
    }
    if (scripted === 429 || (scripted === undefined && rng.chance(faults.p429 ?? 0))) {
      stats.answered429++;
      return json(
        429,
        { error: 'fault relay: slow down' },
        { 'retry-after': String(faults.retryAfterSeconds ?? 1) }
      );
    }
    if (scripted === undefined && rng.chance(faults.pStall ?? 0)) {
      stats.stalled++;
      // Passed on even when the client gave up meanwhile: its retry may reach the relay first.
      await new Promise((r) => setTimeout(r, faults.stallMs ?? 2000));
    }
    const drop = scripted === 'drop' || (scripted === undefined && rng.chance(faults.pDrop ?? 0));
    const late502 = !drop && scripted === undefined && rng.chance(faults.p502After ?? 0);
    const split = splitRejected(body);
    let status = 200;
    let headers: Record<string, string> = { 'content-type': 'application/json', ...cors };
    let answer: Buffer;
    if (split && split.body.length === 0) {
      answer = Buffer.from(JSON.stringify({ results: [] }));
    } else {
      const r = await forward(req, split?.body ?? body);
      status = r.status;
      headers = r.headers;
      answer = r.body;
    }
    if (drop) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (scripted === 'garbage') {
      stats.garbled++;
      return reply(
        res,
        200,
        { 'content-type': 'application/json', ...cors },
        answer.subarray(0, 7)
      );
    }
    if (late502) {
      stats.answered502After++;
      return json(502, { error: 'fault relay: bad gateway after processing' });
    }
    if (status === 200 && split && split.refused.size > 0) {
      const got = JSON.parse(answer.toString('utf8')) as BatchResponse;
      const byId = new Map(got.results.map((r) => [r.messageId, r]));
      const results: MessageResult[] = split.order.map(
        (id) =>
          byId.get(id) ??
          (split.refused.has(id)
            ? {
                messageId: id,
                status: 'rejected',
                bounce: split.refused.get(id)!,
                reason: split.refused.get(id) === 'soft' ? SOFT_REASON : REJECT_REASON
              }
            : { messageId: id, status: 'rejected', reason: 'fault relay: missing' })
      );
      answer = Buffer.from(JSON.stringify({ ...got, results }));
    }
    reply(res, status, headers, answer);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    outboxDir: config.outboxDir,
    relay,
    stats,
    script,
    async close() {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      await relay.close();
    }
  };
}

function cli(argv: string[]): FaultRelayOptions {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string) => (get(name) === undefined ? undefined : Number(get(name)));
  const pattern = get('reject-pattern');
  return {
    port: num('port') ?? 8870,
    dataDir: get('data-dir'),
    faults: {
      failFirst: num('fail-first'),
      p429: num('p429'),
      pStall: num('stall'),
      stallMs: num('stall-ms'),
      pDrop: num('drop'),
      p502After: num('p502'),
      seed: num('seed'),
      ...(pattern ? { reject: (email: string) => new RegExp(pattern).test(email) } : {})
    },
    env: { ...(get('origins') ? { RELAY_ALLOWED_ORIGINS: get('origins') } : {}) }
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const relay = await startFaultRelay(cli(process.argv.slice(2)));
  console.log(`fault relay at ${relay.url} token ${relay.token} outbox ${relay.outboxDir}`);
  const stop = () => void relay.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
