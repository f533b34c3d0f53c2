/** Protocol v1 of the reference relay (SPEC.md section 4), against the real server. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import type { Relay } from '../../../relay/server';
import { auth, batchBody, message, postBatch, relayAt, tempDir, TOKEN } from './relay-harness';

// Each relay of this file gets its own port (8810–8839): a client's kept-alive socket to a
// relay just closed must not meet the next one.
let nextPort = 8810;
let relays: Relay[] = [];
async function start(dir = tempDir('protocol'), env = {}, port = nextPort++) {
  const relay = await relayAt(port, dir, env);
  relays.push(relay);
  return relay;
}
afterEach(async () => {
  await Promise.all(relays.map((r) => r.close()));
  relays = [];
});

function emlFiles(outbox: string): string[] {
  if (!existsSync(outbox)) return [];
  return readdirSync(outbox, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.eml'))
    .map((f) => join(outbox, f));
}

describe('relay auth and CORS', () => {
  it('refuses a missing or wrong bearer token with 401', async () => {
    const relay = await start();
    const none = await fetch(`${relay.url}/v1/capabilities`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${relay.url}/v1/capabilities`, {
      headers: { authorization: 'Bearer nope' }
    });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: string }).error).toMatch(/wrong/);
  });

  it('announces its capabilities, the key retention included', async () => {
    const relay = await start();
    const res = await fetch(`${relay.url}/v1/capabilities`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      maxBatch: 500,
      scheduling: true,
      events: true,
      idempotencyTtl: 86400,
      mode: 'outbox'
    });
  });

  it('answers CORS for the configured origin only, 401s included', async () => {
    const relay = await start();
    const ok = await fetch(`${relay.url}/v1/batches`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:4173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,idempotency-key,content-type'
      }
    });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('http://localhost:4173');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Idempotency-Key/);
    const bad = await fetch(`${relay.url}/v1/batches`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' }
    });
    expect(bad.status).toBe(403);
    expect(bad.headers.get('access-control-allow-origin')).toBeNull();
    const unauth = await fetch(`${relay.url}/v1/capabilities`, {
      headers: { origin: 'http://localhost:4173', authorization: 'Bearer nope' }
    });
    expect(unauth.status).toBe(401);
    expect(unauth.headers.get('access-control-allow-origin')).toBe('http://localhost:4173');
    const other = await fetch(`${relay.url}/v1/capabilities`, {
      headers: { origin: 'https://evil.example', authorization: `Bearer ${TOKEN}` }
    });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('relay idempotency', () => {
  it('needs a key (400), replays the same key and body, quoted or bare, and 422s another body', async () => {
    const dir = tempDir('idem');
    const relay = await start(dir);
    const body = batchBody('b1', [message(1), message(2)]);
    const missing = await postBatch(relay.url, null, body);
    expect(missing.res.status).toBe(400);
    expect(missing.json.error).toMatch(/Idempotency-Key/);

    const first = await postBatch(relay.url, '"em1:1"', body);
    expect(first.res.status).toBe(200);
    expect(first.json.results).toEqual([
      { messageId: 'm1', status: 'accepted' },
      { messageId: 'm2', status: 'accepted' }
    ]);
    // The same body serialised with another key order is the same body.
    const reordered = { messages: body.messages, emailingId: 'em1', batchId: 'b1' };
    const again = await postBatch(relay.url, 'em1:1', reordered);
    expect(again.res.status).toBe(200);
    expect(again.res.headers.get('idempotent-replayed')).toBe('true');
    expect(again.json).toEqual(first.json);

    const changed = await postBatch(relay.url, '"em1:1"', batchBody('b1', [message(1)]));
    expect(changed.res.status).toBe(422);
    expect(changed.json.error).toMatch(/different body/);
    expect(emlFiles(join(dir, 'outbox'))).toHaveLength(2);

    // The store is on disk: a restarted relay still replays and still refuses another body.
    await relay.close();
    relays = [];
    const restarted = await start(dir);
    const replay = await postBatch(restarted.url, '"em1:1"', body);
    expect(replay.res.headers.get('idempotent-replayed')).toBe('true');
    expect(
      (await postBatch(restarted.url, 'em1:1', batchBody('b1', [message(3)]))).res.status
    ).toBe(422);
    expect(emlFiles(join(dir, 'outbox'))).toHaveLength(2);
  });

  it('names the field of a bad batch and refuses batches over maxBatch', async () => {
    const relay = await start(tempDir('bad'), { RELAY_MAX_BATCH: '2' });
    const bad = await postBatch(
      relay.url,
      'k1',
      batchBody('b1', [message(1), message(2, { to: { email: 'not-an-address' } })])
    );
    expect(bad.res.status).toBe(400);
    expect(bad.json.error).toBe('messages[1].to.email: "not-an-address" is not an address.');
    const big = await postBatch(
      relay.url,
      'k2',
      batchBody(
        'b2',
        [1, 2, 3].map((i) => message(i))
      )
    );
    expect(big.res.status).toBe(413);
    expect(big.json.error).toMatch(/maxBatch \(2\)/);
  });
});

describe('relay scheduling', () => {
  it('keeps sendAt batches across a restart, sends them when due, and cancels on DELETE', async () => {
    const dir = tempDir('sched');
    const relay = await start(dir);
    const soon = new Date(Date.now() + 1500).toISOString();
    const later = new Date(Date.now() + 1500).toISOString();
    const a = await postBatch(relay.url, 'em1:1', batchBody('b1', [message(1)], { sendAt: soon }));
    expect(a.res.status).toBe(200);
    expect(a.json.scheduled).toBe(soon);
    await postBatch(relay.url, 'em1:2', batchBody('b2', [message(2)], { sendAt: later }));
    const cancel = await fetch(`${relay.url}/v1/batches/b2`, { method: 'DELETE', headers: auth() });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toEqual({ batchId: 'b2', status: 'cancelled' });
    await relay.close();
    relays = [];
    expect(emlFiles(join(dir, 'outbox'))).toHaveLength(0);

    await new Promise((r) => setTimeout(r, 1800));
    const restarted = await start(dir);
    await expect
      .poll(() => emlFiles(join(dir, 'outbox')).map((f) => f.split('/').pop()), { timeout: 5000 })
      .toEqual(['m1.eml']);
    await new Promise((r) => setTimeout(r, 300));
    expect(emlFiles(join(dir, 'outbox'))).toHaveLength(1);
    const late = await fetch(`${restarted.url}/v1/batches/b1`, {
      method: 'DELETE',
      headers: auth()
    });
    expect(late.status).toBe(409);
    const unknown = await fetch(`${restarted.url}/v1/batches/zz`, {
      method: 'DELETE',
      headers: auth()
    });
    expect(unknown.status).toBe(404);
  });
});

describe('relay messages and one-click unsubscribe', () => {
  it('writes operator-grade MIME: Message-ID, Date, RFC 2047, text before HTML, short lines', async () => {
    const dir = tempDir('mime');
    const relay = await start(dir);
    const long = '<p>' + 'très long '.repeat(400) + '</p>';
    await postBatch(
      relay.url,
      'k',
      batchBody('b1', [
        message(1, {
          subject: 'Soldes d’été — 50 %',
          to: { email: 'zoe@example.org', name: 'Zoé Lévêque' },
          html: long
        })
      ])
    );
    const [file] = emlFiles(join(dir, 'outbox'));
    const raw = readFileSync(file);
    const text = raw.toString('utf8');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(998);
    expect(text).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(text).toMatch(/^From: =\?UTF-8\?Q\?Boutique_=C3=89t=C3=A9\?= <news@shop\.example>/m);
    expect(text.indexOf('Content-Type: text/plain')).toBeLessThan(
      text.indexOf('Content-Type: text/html')
    );
    const mail = await simpleParser(raw);
    expect(mail.messageId).toMatch(/^<[0-9a-f]{32}@shop\.example>$/);
    expect(mail.date).toBeInstanceOf(Date);
    expect(mail.subject).toBe('Soldes d’été — 50 %');
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(mail.to && !Array.isArray(mail.to) && mail.to.value[0]).toEqual({
      address: 'zoe@example.org',
      name: 'Zoé Lévêque'
    });
    expect(text).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r$/m);
    expect(text).toMatch(/^List-Unsubscribe:\s+<http:\/\/127\.0\.0\.1:\d+\/u\/[\w-]+\.[\w-]+>\r$/m);
  });

  it('unsubscribes on POST (form or multipart) with 200 and no redirect; GET changes nothing', async () => {
    const dir = tempDir('unsub');
    const relay = await start(dir, { RELAY_UNSUBSCRIBE_MAILTO: 'unsub@shop.example' });
    await postBatch(relay.url, 'k', batchBody('b1', [message(1), message(2)]));
    const links = await Promise.all(
      emlFiles(join(dir, 'outbox'))
        .sort()
        .map(async (f) => {
          const header = String(
            (await simpleParser(readFileSync(f))).headers.get('list-unsubscribe') ?? ''
          );
          return header;
        })
    );
    const header = readFileSync(emlFiles(join(dir, 'outbox')).sort()[0], 'utf8');
    expect(header).toMatch(/^List-Unsubscribe:/m);
    expect(header).toContain('<mailto:unsub@shop.example?subject=unsubscribe%20m1>');
    const url = /<(http[^>]+)>/.exec(header)![1];
    expect(url.startsWith(`${relay.url}/u/`)).toBe(true);
    expect(url).not.toContain('person1');
    expect(links).toHaveLength(2);

    const get = await fetch(url, { redirect: 'manual' });
    expect(get.status).toBe(200);
    expect(await get.text()).toContain('<form method="post"');
    const types = () => relay.events.all().map((e) => e.type);
    expect(types()).not.toContain('unsubscribed');

    const post = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click'
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('location')).toBeNull();
    expect(post.headers.get('set-cookie')).toBeNull();
    const events = relay.events.all().filter((e) => e.type === 'unsubscribed');
    expect(events).toEqual([expect.objectContaining({ messageId: 'm1', type: 'unsubscribed' })]);

    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const second = /<(http[^>]+)>/.exec(
      readFileSync(emlFiles(join(dir, 'outbox')).sort()[1], 'utf8')
    )![1];
    const multipart = await fetch(second, { method: 'POST', body: form, redirect: 'manual' });
    expect(multipart.status).toBe(200);
    expect(
      relay.events
        .all()
        .filter((e) => e.type === 'unsubscribed')
        .map((e) => e.messageId)
    ).toEqual(['m1', 'm2']);
    const forged = await fetch(
      url.replace(
        /\.([\w-])([\w-]*)$/,
        (_, c: string, rest: string) => `.${c === 'A' ? 'B' : 'A'}${rest}`
      ),
      { method: 'POST' }
    );
    expect(forged.status).toBe(404);
  });
});

describe('relay events and tracking', () => {
  it('pages events with a cursor and flags machine opens and clicks', async () => {
    const port = nextPort++;
    const dir = tempDir('track');
    const relay = await start(
      dir,
      { RELAY_PUBLIC_URL: `http://127.0.0.1:${port}`, RELAY_MACHINE_CLICK_SECONDS: '1' },
      port
    );
    await postBatch(
      relay.url,
      'k',
      batchBody('b1', [
        message(1, { html: '<body><a href="https://shop.example/a?x=1&amp;y=2">A</a></body>' })
      ])
    );
    const mail = await simpleParser(readFileSync(emlFiles(join(dir, 'outbox'))[0]));
    const html = String(mail.html);
    const click = /href="(http:\/\/127\.0\.0\.1:\d+\/c\/[^"]+)"/.exec(html)![1];
    const pixel = /src="([^"]+\/o\/[^"]+\.gif)"/.exec(html)![1];
    const trap = /href="([^"]+\/h\/[^"]+)"/.exec(html)![1];
    const human = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130 Safari/537.36';

    // At once after delivery: a scanner, not a person.
    const fast = await fetch(click, { redirect: 'manual', headers: { 'user-agent': human } });
    expect(fast.status).toBe(302);
    expect(fast.headers.get('location')).toBe('https://shop.example/a?x=1&y=2');
    await fetch(pixel, { headers: { 'user-agent': 'Mozilla/5.0' } }); // Apple MPP
    await fetch(pixel, {
      headers: {
        'user-agent':
          'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)'
      }
    });
    await new Promise((r) => setTimeout(r, 1100));
    await fetch(pixel, { headers: { 'user-agent': human } });
    await fetch(click, { redirect: 'manual', headers: { 'user-agent': human } });

    const page1 = (await (
      await fetch(`${relay.url}/v1/events?limit=3`, { headers: auth() })
    ).json()) as {
      events: { type: string; machine?: boolean; url?: string }[];
      next: string;
    };
    expect(page1.events.map((e) => e.type)).toEqual(['delivered', 'clicked', 'opened']);
    expect(page1.events[1]).toMatchObject({ machine: true, url: 'https://shop.example/a?x=1&y=2' });
    expect(page1.events[2].machine).toBe(true);
    const page2 = (await (
      await fetch(`${relay.url}/v1/events?after=${page1.next}&limit=10`, { headers: auth() })
    ).json()) as typeof page1;
    expect(page2.events.map((e) => [e.type, e.machine ?? false])).toEqual([
      ['opened', true],
      ['opened', false],
      ['clicked', false]
    ]);
    const empty = (await (
      await fetch(`${relay.url}/v1/events?after=${page2.next}`, { headers: auth() })
    ).json()) as typeof page1;
    expect(empty).toEqual({ events: [], next: page2.next });

    const hit = await fetch(trap, { headers: { 'user-agent': human } });
    expect(hit.status).toBe(200);
    const last = relay.events.all().at(-1)!;
    expect(last).toMatchObject({ type: 'clicked', url: 'honeypot', machine: true });
    // A click right beside the honeypot hit is the scanner's too.
    await fetch(click, { redirect: 'manual', headers: { 'user-agent': human } });
    expect(relay.events.all().at(-1)).toMatchObject({ type: 'clicked', machine: true });
  });
});
