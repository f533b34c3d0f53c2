import { afterEach, describe, expect, it } from 'vitest';
import { makeEngine, importText, freshDbName } from '../engine/engine-fixture';
import type { Engine } from '$lib/engine/engine';
import { IN_FLIGHT } from '$lib/engine/send-service';
import type { Relay } from '../../../relay/server';
import { startFaultRelay, type Faults } from '../../support/fault-relay';
import { deliveredIds, duplicates, readOutbox, storedKeys } from '../../support/relay-outbox';
import { relayAt, tempDir, TOKEN } from '../relay/relay-harness';
import { peopleCsv, unlimitedRelay, until } from './sender-fixture';

const FIELDS = { id: 'text', email: 'email', first_name: 'text' } as const;

function people(n: number, extra: string[] = []): string {
  const rows = extra.map((line, i) => `x${i},${line}`);
  return [peopleCsv(n, (i) => `Name${i}`), ...rows].join('\n');
}

/** The real reference relay (outbox mode, fresh data folder), alone or behind the fault relay. */
interface TestRelay {
  url: string;
  token: string;
  relay: Relay;
  close(): Promise<void>;
}

const open: { engine: Engine }[] = [];
let relay: TestRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.engine.close();
  await relay?.close();
  relay = null;
});

// Ephemeral ports: the machine is shared, a fixed port may be someone else's.
const port = () => 0;

async function startRelay(options: { maxBatch?: number; faults?: Faults } = {}) {
  const env = options.maxBatch ? { RELAY_MAX_BATCH: String(options.maxBatch) } : {};
  if (options.faults) {
    const fault = await startFaultRelay({ port: port(), faults: options.faults, env });
    relay = fault;
    return fault;
  }
  const real = await relayAt(port(), tempDir('sender'), env);
  relay = { url: real.url, token: TOKEN, relay: real, close: () => real.close() };
  return relay;
}

/** `inFlight: 1` posts one batch at a time, so a scripted fault lands on a known batch. */
function engineOn(name = freshDbName(), inFlight?: number) {
  const made = makeEngine(name, {
    relayOrigins: ['http://127.0.0.1:*'],
    sender: {
      retry: { baseMs: 1, maxMs: 5, maxAttempts: 4 },
      random: () => 0.5,
      eventsEveryMs: 0,
      inFlight
    }
  });
  open.push(made);
  return made;
}

async function setUp(engine: Engine, text: string, faults?: Faults) {
  relay = await startRelay({ maxBatch: 7, faults });
  const campaign = await engine.createCampaign('Mail');
  const imported = await importText(engine, campaign.id, text, FIELDS);
  expect(imported.ok).toBe(true);
  await engine.saveRelaySettings(unlimitedRelay(relay.url, relay.token, 10));
  const emailing = await engine.createEmailing(campaign.id, {
    name: 'Hello',
    fromName: 'Shop',
    fromEmail: 'shop@example.org',
    subject: 'Hi {{first_name | "there"}}',
    html: '<p>Dear {{first_name}} &amp; co</p>'
  });
  return { campaign, emailing };
}

describe('send ledger', () => {
  it('sends each recipient exactly once, merged, none to suppressed, batches bounded by maxBatch', async () => {
    const { engine } = engineOn();
    // Two 500s then a 429 (Retry-After: 0), and p3 refused while the rest of its batch goes.
    const { campaign, emailing } = await setUp(
      engine,
      people(30, ['P1@example.org,Again', ',Broken', 'stop@example.org,<Stop>']),
      {
        script: [500, 500, 429],
        retryAfterSeconds: 0,
        reject: (email) => email === 'p3@example.org'
      }
    );
    await engine.addSuppression(campaign.id, 'STOP@example.org');
    const audience = await engine.emailingAudience(campaign.id, emailing.targets, null);
    expect(audience).toMatchObject({
      contacts: 33,
      toSend: 30,
      counts: { suppressed: 1, invalid: 1, duplicate: 1, capped: 0 }
    });
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    const done = await engine.getEmailing(emailing.id);
    expect(done).toMatchObject({ toSend: 30, accepted: 29, rejected: 1, sent: 30 });
    const fault = relay as Awaited<ReturnType<typeof startFaultRelay>>;
    expect(fault.stats).toMatchObject({ failed500: 2, answered429: 1 });
    const ids = deliveredIds(relay!.relay);
    expect(duplicates(relay!.relay)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(29);
    const sent = await readOutbox(relay!.relay);
    expect(sent).toHaveLength(29);
    expect(sent.some((m) => m.to === 'stop@example.org' || m.to === 'p3@example.org')).toBe(false);
    const p5 = sent.find((m) => m.to === 'p5@example.org');
    expect(p5?.subject).toBe('Hi Name5');
    expect(p5?.html).toBe('<p>Dear Name5 &amp; co</p>');
    expect(p5?.text).toContain('Dear Name5 & co');
    // Batches of at most maxBatch (7): 30 messages = 5 batches, keys "<id>:1".."<id>:5".
    expect(new Set(storedKeys(relay!.relay))).toEqual(
      new Set([1, 2, 3, 4, 5].map((n) => `${emailing.id}:${n}`))
    );
    // The rejected address joined the suppression list and the contact's history says why.
    expect((await engine.listSuppressions(campaign.id)).map((s) => s.email)).toContain(
      'p3@example.org'
    );
    const history = await engine.contactMailings(campaign.id, 31);
    expect(history).toEqual([expect.objectContaining({ state: 'skipped', reason: 'invalid' })]);
  });

  it('resumes after a reload: an unknown-outcome batch is re-posted with the same key, nothing twice', async () => {
    const name = freshDbName();
    const first = engineOn(name, 1);
    // The relay sends the first batch but the answer never arrives, then 500s until the
    // sender gives up; the tab closes.
    const { emailing } = await setUp(first.engine, people(25), {
      script: ['drop', 500, 500, 500]
    });
    await first.engine.emailingAction(emailing.id, 'send');
    await first.engine.startSender();
    await until(
      async () => (await first.engine.getEmailing(emailing.id))?.status === 'failed'
    ).catch(async (err) => {
      console.log(
        await first.engine.senderStatus(),
        await first.engine.getEmailing(emailing.id),
        storedKeys(relay!.relay)
      );
      throw err;
    });
    expect(deliveredIds(relay!.relay)).toHaveLength(7);
    await first.engine.close();
    open.splice(open.indexOf(first), 1);
    const second = engineOn(name);
    await second.engine.emailingAction(emailing.id, 'resume');
    await second.engine.startSender();
    await until(async () => (await second.engine.getEmailing(emailing.id))?.status === 'finished');
    const ids = deliveredIds(relay!.relay);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect(duplicates(relay!.relay)).toEqual([]);
    expect((await readOutbox(relay!.relay)).map((m) => m.to).sort()).toEqual(
      Array.from({ length: 25 }, (_, i) => `p${i}@example.org`).sort()
    );
    // The lost answer's batch was posted again with its key and answered from the store.
    expect(storedKeys(relay!.relay)).toContain(`${emailing.id}:1`);
    expect((await second.engine.getEmailing(emailing.id))?.accepted).toBe(25);
  });

  it('keeps the rate with several batches in flight (a batch recorded does not cut the wait)', async () => {
    const { engine } = engineOn();
    const { emailing } = await setUp(engine, people(24));
    await engine.saveRelaySettings({
      url: relay!.url,
      token: relay!.token,
      batchSize: 4,
      perSecond: 10,
      perHour: null,
      perDay: null,
      confirmOverdue: false
    });
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    // Six batches of 4 at 10 a second: the last taken at least 5 × 0.4 s after the first.
    const taken = relay!.relay.store
      .all()
      .map((r) => Date.parse(r.createdAt))
      .sort((a, b) => a - b);
    expect(taken).toHaveLength(6);
    expect(taken[5] - taken[0]).toBeGreaterThanOrEqual(1900);
    expect(new Set(deliveredIds(relay!.relay)).size).toBe(24);
  });

  it('pauses after the batch in flight and resumes where it stopped; cancel is final', async () => {
    const { engine } = engineOn();
    const { campaign, emailing } = await setUp(engine, people(40));
    await engine.saveRelaySettings({
      url: relay!.url,
      token: relay!.token,
      batchSize: 5,
      perSecond: 20,
      perHour: null,
      perDay: null,
      confirmOverdue: false
    });
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    const delivered = () => deliveredIds(relay!.relay).length;
    await until(async () => delivered() >= 5);
    await engine.emailingAction(emailing.id, 'pause');
    const atPause = delivered();
    await new Promise((r) => setTimeout(r, 600));
    // Only the batches already in flight (of 5 each) go out after the pause, then nothing.
    expect(delivered()).toBeLessThanOrEqual(atPause + 5 * IN_FLIGHT);
    const settled = delivered();
    await new Promise((r) => setTimeout(r, 400));
    expect(delivered()).toBe(settled);
    const paused = await engine.getEmailing(emailing.id);
    expect(paused?.status).toBe('paused');
    expect(paused?.actions).toEqual(['edit', 'resume', 'cancel']);
    await engine.updateEmailing(emailing.id, { subject: 'Fixed {{first_name}}' });
    await engine.emailingAction(emailing.id, 'resume');
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    expect(new Set(deliveredIds(relay!.relay)).size).toBe(40);
    expect(duplicates(relay!.relay)).toEqual([]);
    const sent = await readOutbox(relay!.relay);
    expect(sent).toHaveLength(40);
    expect(sent.at(-1)?.subject).toMatch(/^Fixed Name/);
    expect(sent[0].subject).toMatch(/^Hi Name/);
    const second = await engine.createEmailing(campaign.id, { ...emailing, name: 'Two' });
    await engine.emailingAction(second.id, 'schedule', { scheduledAt: '2099-01-01T10:00:00Z' });
    const cancelled = await engine.emailingAction(second.id, 'cancel');
    expect(cancelled?.actions).toEqual(['delete']);
    await expect(engine.updateEmailing(second.id, { subject: 'x' })).rejects.toThrow(
      /cancelled cannot be edited/
    );
  });

  it('refuses a test to a suppressed address and names an unknown merge field', async () => {
    const { engine } = engineOn();
    const { campaign, emailing } = await setUp(engine, people(3));
    await engine.addSuppression(campaign.id, 'no@example.org');
    expect(await engine.sendTestEmailing(emailing.id, 'no@example.org', 0)).toMatchObject({
      ok: false,
      message: expect.stringContaining('suppression list')
    });
    expect(await engine.sendTestEmailing(emailing.id, 'me@example.org', 1)).toEqual({ ok: true });
    expect((await readOutbox(relay!.relay)).at(-1)).toMatchObject({
      to: 'me@example.org',
      subject: '[Test] Hi Name1'
    });
    expect(deliveredIds(relay!.relay)).toHaveLength(1);
    await engine.updateEmailing(emailing.id, { html: '<p>{{frist}}</p>' });
    const problems = await engine.emailingProblems(emailing.id);
    expect(problems[0].message).toBe('Unknown field "frist" in the HTML body at line 1, column 4.');
    await expect(engine.emailingAction(emailing.id, 'send')).rejects.toThrow(
      /Unknown field "frist"/
    );
  });

  it('tells a bad token and an unreachable relay apart', async () => {
    const { engine } = engineOn();
    relay = await startRelay();
    expect(await engine.testRelay({ url: relay.url, token: 'wrong' })).toMatchObject({
      ok: false,
      problem: 'unauthorized'
    });
    expect(await engine.testRelay({ url: relay.url, token: relay.token })).toMatchObject({
      ok: true,
      capabilities: { maxBatch: 500 }
    });
    expect(await engine.testRelay({ url: 'http://127.0.0.1:9', token: 'x' })).toMatchObject({
      ok: false,
      problem: 'unreachable'
    });
    expect(await engine.testRelay({ url: 'https://relay.example.com', token: 'x' })).toMatchObject({
      ok: false,
      problem: 'config',
      message: expect.stringContaining('SLICE_RELAY_ORIGINS')
    });
  });
});

describe('relay events', () => {
  it('puts hard bounces, unsubscribes and complaints on the suppression list, not soft bounces', async () => {
    const { engine } = engineOn();
    const { campaign, emailing } = await setUp(engine, people(4));
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    const id = (n: number) => `${emailing.id}:${n}`;
    const at = '2026-06-15T10:00:00Z';
    // What the relay logs when a mailbox server bounces later or a recipient reports spam.
    relay!.relay.events.append([
      { messageId: id(0), type: 'bounced', bounce: 'hard', reason: '550 gone', at },
      { messageId: id(1), type: 'bounced', bounce: 'soft', at },
      { messageId: id(2), type: 'unsubscribed', at },
      { messageId: id(3), type: 'complained', at },
      { messageId: 'someone-else:1', type: 'complained', at }
    ]);
    await until(async () => (await engine.listSuppressions(campaign.id)).length === 3);
    const list = await engine.listSuppressions(campaign.id);
    expect(Object.fromEntries(list.map((s) => [s.email, s.reason]))).toEqual({
      'p0@example.org': 'hard_bounce',
      'p2@example.org': 'unsubscribed',
      'p3@example.org': 'complained'
    });
  });
});
