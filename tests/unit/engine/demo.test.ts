import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoFiles } from '../../support/demo';
import { makeEngine } from './engine-fixture';

// The built app serves static/ (demo/ included) under any sub-path; this server does the same
// on localhost, from a folder holding the demo files the build would write.
const SUB_PATH = '/some/sub/path/';
let server: Server;
let base = '';
let root = '';

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slice-demo-'));
  await writeDemoFiles(join(root, 'demo') + '/');
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end();
      return;
    }
    const file = join(root, url.pathname.slice(SUB_PATH.length));
    try {
      await stat(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}${SUB_PATH}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe('loadDemoCampaign', () => {
  it('fetches the demo CSVs relative to the page and imports them through the normal path', async () => {
    // The page address, with a hash route, as the client passes it.
    const { engine } = makeEngine(undefined, { baseUrl: `${base}#/campaigns` });
    try {
      const demo = await engine.loadDemoCampaign();
      expect(demo).toMatchObject({ name: 'Demo campaign', isDemo: true, identity: 'email' });
      expect(demo.contactCount).toBe(3000);
      expect(demo.eventCount).toBeGreaterThan(10_000);
      expect(demo.eventTypes).toContain('page_view');
      const imports = await engine.listImports(demo.id);
      expect(imports.map((i) => [i.kind, i.status])).toEqual([
        ['events', 'done'],
        ['contacts', 'done']
      ]);
      const segments = await engine.listSegments(demo.id);
      expect(segments[0]).toMatchObject({ name: 'All participants', count: 3000 });
      const detail = await engine.getContact(demo.id, 0);
      expect(detail?.attributes[0]).toMatchObject({
        field: 'email',
        value: 'noelgagne1@messagerie-demo.fr'
      });
      expect(detail?.events.length).toBeGreaterThan(0);
    } finally {
      await engine.close();
    }
  });

  it('fails with a clear message when the demo files are missing, leaving no campaign', async () => {
    const { engine } = makeEngine(undefined, { baseUrl: base.replace(SUB_PATH, '/elsewhere/') });
    try {
      await expect(engine.loadDemoCampaign()).rejects.toThrow(
        /demo\/contacts\.csv could not be loaded \(HTTP 404\)/
      );
      expect(await engine.listCampaigns()).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
