/**
 * DuckDB-Wasm, the peer a data-minded user would pick for private analysis in the browser:
 * bundled from node_modules with esbuild (no CDN), served to headless Chromium by request
 * routing on the app's origin, fed the same CSV files through a file input (as a person would
 * choose them), loaded with the same statements as native DuckDB, and timed in the page.
 */
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { BenchData } from '../bench-data';
import { openChromium, type ChromiumSession } from './chromium';
import { loadStatements } from './duckdb-peer';
import type { LoadedTables } from './load-tables';

const require = createRequire(import.meta.url);
const DIST = dirname(require.resolve('@duckdb/duckdb-wasm/dist/duckdb-browser.mjs'));
const PREFIX = '__duckdb-wasm/';

declare global {
  interface Window {
    __duckdbWasm?: {
      open(): Promise<void>;
      register(name: string, file: File): Promise<void>;
      run(sql: string): Promise<{ rows: number; first: number | null }>;
      drop(names: string[]): Promise<void>;
    };
  }
}

/** The page-side code: DuckDB-Wasm in its worker (exception-handling build), one connection. */
const ENTRY = `
import * as duckdb from '@duckdb/duckdb-wasm';
let db, conn;
window.__duckdbWasm = {
  async open() {
    const worker = new Worker('duckdb-browser-eh.worker.js');
    db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
    await db.instantiate(new URL('duckdb-eh.wasm', location.href).href);
    conn = await db.connect();
  },
  async register(name, file) {
    await db.registerFileHandle(name, file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
  },
  async run(sql) {
    const t = await conn.query(sql);
    const first = t.numRows > 0 && t.numCols > 0 ? t.getChildAt(0).get(0) : null;
    return { rows: t.numRows, first: first === null ? null : Number(first) };
  },
  async drop(names) {
    for (const n of names) await conn.query('DROP TABLE IF EXISTS ' + n);
  }
};
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>DuckDB-Wasm peer</title>
<input type="file" id="contacts"><input type="file" id="events">
<script type="module" src="peer.js"></script>`;

export interface WasmPeer {
  /** Times one statement in the page; returns its ms and the rows it returned. */
  time(sql: string): Promise<{ ms: number; rows: number; first: number | null }>;
  /** Number of rows a query returns, timed in the page. */
  count(sql: string): Promise<{ ms: number; count: number }>;
  /** Loads the contacts CSV (chosen through a file input) into a fresh table; returns ms. */
  loadContacts(): Promise<number>;
  loadEvents(): Promise<number>;
  close(): Promise<void>;
}

export async function openDuckdbWasm(
  baseUrl: string,
  data: BenchData,
  tables: LoadedTables
): Promise<WasmPeer> {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: process.cwd(), loader: 'js' },
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent'
  });
  const peerJs = bundle.outputFiles[0].text;
  const session: ChromiumSession = await openChromium();
  const root = new URL(PREFIX, baseUrl).href;
  await session.context.route(`${root}**`, async (route) => {
    const name = route.request().url().slice(root.length).split('?')[0];
    if (name === '' || name === 'index.html')
      return route.fulfill({ contentType: 'text/html', body: PAGE });
    if (name === 'peer.js') return route.fulfill({ contentType: 'text/javascript', body: peerJs });
    const type = name.endsWith('.wasm') ? 'application/wasm' : 'text/javascript';
    return route.fulfill({ contentType: type, body: await readFile(join(DIST, name)) });
  });
  const page = session.page;
  await page.goto(root);
  await page.waitForFunction(() => window.__duckdbWasm !== undefined);
  await page.evaluate(() => window.__duckdbWasm!.open());
  const sql = loadStatements(
    data,
    tables,
    { contacts: 'contacts.csv', events: 'events.csv' },
    { icu: false }
  );

  const time = (statement: string) =>
    page.evaluate(async (s) => {
      const t0 = performance.now();
      const r = await window.__duckdbWasm!.run(s);
      return { ms: performance.now() - t0, rows: r.rows, first: r.first };
    }, statement);

  const load = async (input: 'contacts' | 'events', path: string, statements: string[]) => {
    await page.locator(`#${input}`).setInputFiles(path);
    return page.evaluate(
      async ({ input, statements }) => {
        const el = document.getElementById(input) as HTMLInputElement;
        const t0 = performance.now();
        await window.__duckdbWasm!.register(`${input}.csv`, el.files![0]);
        for (const s of statements) await window.__duckdbWasm!.run(s);
        return performance.now() - t0;
      },
      { input, statements }
    );
  };

  return {
    time,
    count: async (query) => {
      const r = await time(`SELECT count(*) AS n FROM (\n${query}\n)`);
      return { ms: r.ms, count: r.first ?? -1 };
    },
    loadContacts: async () => {
      await page.evaluate(() => window.__duckdbWasm!.drop(['events', 'contacts']));
      return load('contacts', data.contactsPath, sql.contacts);
    },
    loadEvents: async () => {
      await page.evaluate(() => window.__duckdbWasm!.drop(['events']));
      return load('events', data.eventsPath, sql.events);
    },
    close: () => session.close()
  };
}
