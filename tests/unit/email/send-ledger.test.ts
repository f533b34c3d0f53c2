import { afterEach, describe, expect, it } from 'vitest';
import { makeEngine, importText, freshDbName } from '../engine/engine-fixture';
import type { Engine } from '$lib/engine/engine';
import { startProtocolRelay, type ProtocolRelay } from '../../support/protocol-relay';

const FIELDS = { id: 'text', email: 'email', first_name: 'text' } as const;

function people(n: number, extra: string[] = []): string {
  const lines = ['id,email,first_name'];
  for (let i = 0; i < n; i++) lines.push(`c${i},p${i}@example.org,Name${i}`);
  return [...lines, ...extra.map((line, i) => `x${i},${line}`)].join('\n');
}

const open: { engine: Engine }[] = [];
let relay: ProtocolRelay | null = null;
afterEach(async () => {
  while (open.length) await open.pop()?.engine.close();
  await relay?.close();
  relay = null;
});

function engineOn(name = freshDbName()) {
  const made = makeEngine(name, {
    relayOrigins: ['http://127.0.0.1:*'],
    sender: { retry: { baseMs: 1, maxMs: 5, maxAttempts: 4 }, random: () => 0.5 }
  });
  open.push(made);
  return made;
}

async function until(check: () => Promise<boolean>, ms = 20_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

async function setUp(engine: Engine, text: string) {
  relay = await startProtocolRelay({ maxBatch: 7 });
  const campaign = await engine.createCampaign('Mail');
  const imported = await importText(engine, campaign.id, text, FIELDS);
  expect(imported.ok).toBe(true);
  await engine.saveRelaySettings({
    url: relay.url,
    token: relay.token,
    batchSize: 10,
    perSecond: null,
    perHour: null,
    perDay: null,
    confirmOverdue: false
  });
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
    const { campaign, emailing } = await setUp(
      engine,
      people(30, ['P1@example.org,Again', ',Broken', 'stop@example.org,<Stop>'])
    );
    await engine.addSuppression(campaign.id, 'STOP@example.org');
    const audience = await engine.emailingAudience(campaign.id, emailing.targets, null);
    expect(audience).toMatchObject({
      contacts: 33,
      toSend: 30,
      counts: { suppressed: 1, invalid: 1, duplicate: 1, capped: 0 }
    });
    relay!.rejectAddress('p3@example.org');
    relay!.failNext(2, 500);
    relay!.failNext(1, 429);
    await engine.emailingAction(emailing.id, 'send');
    await engine.startSender();
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    const done = await engine.getEmailing(emailing.id);
    expect(done).toMatchObject({ toSend: 30, accepted: 29, rejected: 1, sent: 30 });
    const ids = relay!.sent.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(29);
    expect(relay!.sent.some((m) => m.to === 'stop@example.org')).toBe(false);
    const p5 = relay!.sent.find((m) => m.to === 'p5@example.org');
    expect(p5?.subject).toBe('Hi Name5');
    expect(p5?.html).toBe('<p>Dear Name5 &amp; co</p>');
    expect(p5?.text).toContain('Dear Name5 & co');
    // Batches of at most maxBatch (7): 30 messages = 5 batches, keys "<id>:1".."<id>:5".
    expect(new Set(relay!.keys)).toEqual(
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
    const first = engineOn(name);
    const { emailing } = await setUp(first.engine, people(25));
    // The relay sends the first batch but the answer never arrives; the tab closes.
    relay!.failNext(1, 'drop-after-send');
    relay!.failNext(3, 500);
    await first.engine.emailingAction(emailing.id, 'send');
    await first.engine.startSender();
    await until(
      async () => (await first.engine.getEmailing(emailing.id))?.status === 'failed'
    ).catch(async (err) => {
      console.log(
        await first.engine.senderStatus(),
        await first.engine.getEmailing(emailing.id),
        relay!.keys
      );
      throw err;
    });
    expect(relay!.sent).toHaveLength(7);
    await first.engine.close();
    open.splice(open.indexOf(first), 1);
    const second = engineOn(name);
    await second.engine.emailingAction(emailing.id, 'resume');
    await second.engine.startSender();
    await until(async () => (await second.engine.getEmailing(emailing.id))?.status === 'finished');
    const ids = relay!.sent.map((m) => m.messageId);
    expect(ids).toHaveLength(25);
    expect(new Set(ids).size).toBe(25);
    expect((await second.engine.getEmailing(emailing.id))?.accepted).toBe(25);
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
    await until(async () => relay!.sent.length >= 5);
    await engine.emailingAction(emailing.id, 'pause');
    const atPause = relay!.sent.length;
    await new Promise((r) => setTimeout(r, 600));
    expect(relay!.sent.length).toBeLessThanOrEqual(atPause + 5);
    const paused = await engine.getEmailing(emailing.id);
    expect(paused?.status).toBe('paused');
    expect(paused?.actions).toEqual(['edit', 'resume', 'cancel']);
    await engine.updateEmailing(emailing.id, { subject: 'Fixed {{first_name}}' });
    await engine.emailingAction(emailing.id, 'resume');
    await until(async () => (await engine.getEmailing(emailing.id))?.status === 'finished');
    expect(new Set(relay!.sent.map((m) => m.messageId)).size).toBe(40);
    expect(relay!.sent.at(-1)?.subject).toMatch(/^Fixed Name/);
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
    expect(relay!.sent.at(-1)).toMatchObject({ to: 'me@example.org', subject: '[Test] Hi Name1' });
    await engine.updateEmailing(emailing.id, { html: '<p>{{frist}}</p>' });
    const problems = await engine.emailingProblems(emailing.id);
    expect(problems[0].message).toBe('Unknown field "frist" in the HTML body at line 1, column 4.');
    await expect(engine.emailingAction(emailing.id, 'send')).rejects.toThrow(
      /Unknown field "frist"/
    );
  });

  it('tells a bad token and an unreachable relay apart', async () => {
    const { engine } = engineOn();
    relay = await startProtocolRelay();
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
