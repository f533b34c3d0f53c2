/**
 * Seeded generator of realistic campaign participants and their events, as CSV text.
 * Same options -> same bytes, on every run and machine: tests, the demo campaign and the
 * benchmarks all measure known data. Output is produced in chunks (never one giant string),
 * so a million contacts or five million events stream to disk in constant memory.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createRng, weightedTable, type Rng } from './prng';
import {
  COUNTRIES,
  DOMAINS_BY_COUNTRY,
  EMAILINGS,
  GLOBAL_DOMAINS,
  JOBS,
  NAMES,
  PAGES,
  PRODUCTS,
  REWARDS,
  type Country,
  type Culture
} from './population';

/** Instant every generated date is relative to ("now" of the generated base). */
export const REFERENCE_DATE = '2026-11-15T12:00:00.000Z';
export const REFERENCE_MS = Date.parse(REFERENCE_DATE);
/** How far back registrations, participations and events go. */
export const HISTORY_DAYS = 548;
export const DEFAULT_SEED = 42;
/** Bumped whenever the output changes, so cached benchmark files get rewritten. */
export const GENERATOR_VERSION = 1;

export const CONTACT_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'civility',
  'birthdate',
  'country',
  'language',
  'city',
  'zip',
  'phone',
  'job',
  'newsletter',
  'won',
  'score',
  'participations',
  'participation_date',
  'last_page',
  'liked_product',
  'external_id',
  'registered_at'
] as const;

export const EVENT_COLUMNS = ['contact', 'type', 'target', 'at', 'amount'] as const;

export interface GeneratorOptions {
  /** Number of contacts (events are generated for these same contacts). */
  rows: number;
  seed?: number;
  delimiter?: ',' | ';';
  /**
   * European formats: `12,5` decimals, `oui/non`, `31/12/2025` dates and `31/12/2025 14:05`
   * datetimes. Otherwise `12.5`, `yes/no`, ISO dates and ISO instants (birthdate stays
   * `dd/mm/yyyy`, as most exports write it).
   */
  european?: boolean;
  /** Rows per yielded chunk (default 2,000: a few hundred KB). */
  chunkRows?: number;
}

export interface Participant {
  index: number;
  email: string;
  firstName: string;
  lastName: string;
  civility: 'Mr' | 'Mrs' | 'Ms';
  /** UTC midnight of the birth day, or NaN when unknown. */
  birthdate: number;
  country: string;
  language: Culture;
  city: string;
  zip: string;
  phone: string;
  job: string;
  newsletter: boolean;
  won: boolean;
  score: number;
  participations: number;
  /** UTC midnight of the last participation day. */
  participationDate: number;
  /** Instant of the last participation (same day as participationDate). */
  participationAt: number;
  lastPage: string;
  likedProduct: string;
  externalId: string;
  registeredAt: number;
}

export interface GeneratedEvent {
  type: string;
  target: string;
  at: number;
  amount: number;
}

const DAY = 86_400_000;
const MINUTE = 60_000;

const countryTable = weightedTable(COUNTRIES.map((c) => [c, c.weight] as const));
const languageTables = new Map(COUNTRIES.map((c) => [c.code, weightedTable(c.languages)]));
const cultures = Object.keys(NAMES) as Culture[];
const offerTable = weightedTable<number>([
  ...Array.from({ length: 60 }, (_, i) => [i + 1, 1] as const),
  [42, 12],
  [7, 6],
  [12, 3]
]);

const slugCache = new Map<string, string>();
/** Name -> email local part: lower case, accents and apostrophes and spaces removed. */
function slug(name: string): string {
  let s = slugCache.get(name);
  if (s === undefined) {
    s = name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ß/g, 'ss')
      .replace(/['\s]/g, '')
      .toLowerCase();
    slugCache.set(name, s);
  }
  return s;
}

function fillDigits(rng: Rng, template: string): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    out += ch === '#' ? String(rng.int(10)) : ch;
  }
  return out;
}

/** Unique email: the trailing digits encode the row, and name parts never contain digits. */
function makeEmail(rng: Rng, index: number, first: string, last: string, country: Country) {
  const f = slug(first);
  const l = slug(last);
  const n = index + 1;
  let local: string;
  const style = rng.int(6);
  if (style === 0) local = `${f}.${l}${n}`;
  else if (style === 1) local = `${f}${l}${n}`;
  else if (style === 2) local = `${f[0]}.${l}${n}`;
  else if (style === 3) local = `${l}.${f}${n}`;
  else if (style === 4) local = `${f}_${l}${n}`;
  else local = `${f}${n}`;
  const national = DOMAINS_BY_COUNTRY[country.code];
  const domain = national && rng.chance(0.6) ? rng.pick(national) : rng.pick(GLOBAL_DOMAINS);
  return `${local}@${domain}`;
}

/** The participants, as values (not text): the events generator walks the same sequence. */
export function* participants(options: GeneratorOptions): Generator<Participant> {
  const rng = createRng(options.seed ?? DEFAULT_SEED, 'contacts');
  for (let index = 0; index < options.rows; index++) {
    const country = rng.weighted(countryTable);
    const language = rng.weighted(languageTables.get(country.code)!);
    // Most people carry names of their language; some come from elsewhere.
    const culture = rng.chance(0.85) ? language : rng.pick(cultures);
    const pool = NAMES[culture];
    const female = rng.chance(0.53);
    const firstName = rng.pick(female ? pool.female : pool.male);
    const lastName = rng.pick(pool.last);
    const civility = female ? (rng.chance(0.65) ? 'Mrs' : 'Ms') : 'Mr';
    const email = makeEmail(rng, index, firstName, lastName, country);

    const age = 18 + Math.floor(((rng.next() + rng.next() + rng.next()) / 3) * 62);
    const birthdate = rng.chance(0.03)
      ? NaN
      : utcDay(REFERENCE_MS - age * 365.25 * DAY - rng.int(365) * DAY);

    const hasCity = rng.chance(0.9);
    const place = rng.pick(country.cities);
    const phone = rng.chance(0.8) ? fillDigits(rng, rng.pick(country.phone)) : '';
    const job = rng.chance(0.7) ? rng.pick(JOBS) : '';

    const registeredAt = REFERENCE_MS - rng.next() * HISTORY_DAYS * DAY - rng.int(24 * 60) * MINUTE;
    // Participations lean towards recent months, as a running campaign's do.
    const participationAt = Math.min(
      REFERENCE_MS - MINUTE,
      registeredAt + (REFERENCE_MS - registeredAt) * Math.pow(rng.next(), 0.6)
    );
    let participations = 1;
    while (participations < 30 && rng.chance(0.38)) participations++;

    const newsletter = rng.chance(0.55);
    const won = rng.chance(0.14);
    const score = rng.chance(0.2) ? rng.int(101) : Math.round(rng.next() * 1000) / 10;
    const lastPage = rng.chance(0.7) ? `/offer-${rng.weighted(offerTable)}` : rng.pick(PAGES);
    const likedProduct = rng.chance(0.25) ? rng.pick(PRODUCTS) : '';

    yield {
      index,
      email,
      firstName,
      lastName,
      civility,
      birthdate,
      country: country.code,
      language,
      city: hasCity ? place.name : '',
      zip: hasCity || rng.chance(0.5) ? place.zip : '',
      phone,
      job,
      newsletter,
      won,
      score,
      participations,
      participationDate: utcDay(participationAt),
      participationAt,
      lastPage,
      likedProduct,
      externalId: `Q${String(index + 1).padStart(7, '0')}`,
      registeredAt
    };
  }
}

/**
 * The events of one participant, sorted by time: participations, page views around them,
 * recent bursts of offer views, rewards, likes, carts, purchases and email activity.
 */
export function participantEvents(p: Participant, rng: Rng): GeneratedEvent[] {
  const events: GeneratedEvent[] = [];
  const add = (type: string, target: string, at: number, amount = NaN) =>
    events.push({ type, target, at: Math.min(Math.round(at / 1000) * 1000, REFERENCE_MS), amount });
  const offer = () => `/offer-${rng.weighted(offerTable)}`;

  const participationTimes = [p.participationAt];
  for (let i = 1; i < p.participations; i++) {
    participationTimes.push(p.registeredAt + rng.next() * (p.participationAt - p.registeredAt));
  }
  for (const at of participationTimes) {
    add('participation', 'contest', at);
    // Landing page just before, and sometimes a look around just after.
    if (rng.chance(0.35))
      add(
        'page_view',
        rng.chance(0.75) ? offer() : rng.pick(PAGES),
        at - rng.int(10) * MINUTE - MINUTE
      );
    if (rng.chance(0.15))
      add(
        'page_view',
        rng.chance(0.5) ? offer() : rng.pick(PAGES),
        at + rng.int(30) * MINUTE + MINUTE
      );
  }
  if (p.won) add('reward_won', rng.pick(REWARDS), p.participationAt + rng.int(5) * MINUTE);

  // A share of the base keeps browsing offers lately: what "viewed /offer 3 times in 30 days" finds.
  const recent = p.participationAt > REFERENCE_MS - 30 * DAY;
  if (rng.chance(recent ? 0.35 : 0.025)) {
    const from = Math.max(p.registeredAt, REFERENCE_MS - 30 * DAY);
    const views = rng.range(2, 7);
    for (let i = 0; i < views; i++)
      add('page_view', offer(), from + rng.next() * (REFERENCE_MS - from));
  }

  if (p.likedProduct)
    add(
      'product_liked',
      p.likedProduct,
      p.registeredAt + rng.next() * (REFERENCE_MS - p.registeredAt)
    );
  if (rng.chance(0.12)) {
    const product = rng.pick(PRODUCTS);
    const at = p.registeredAt + rng.next() * (REFERENCE_MS - p.registeredAt);
    add('add_to_cart', product, at);
    if (rng.chance(0.45))
      add('purchase', product, at + rng.range(2, 40) * MINUTE, rng.range(500, 25_000) / 100);
  }

  if (p.newsletter) {
    for (const emailing of EMAILINGS) {
      if (emailing.sentAt <= p.registeredAt || !rng.chance(emailing.reach)) continue;
      const sent = emailing.sentAt + rng.int(90) * MINUTE;
      add('received', emailing.id, sent);
      if (rng.chance(0.02)) {
        add('bounced', emailing.id, sent + rng.range(1, 30) * MINUTE);
        continue;
      }
      add('delivered', emailing.id, sent + rng.range(1, 10) * MINUTE);
      if (rng.chance(0.35)) {
        const opened = sent + rng.range(10, 3 * 24 * 60) * MINUTE;
        add('opened', emailing.id, opened);
        if (rng.chance(0.25)) add('clicked', emailing.id, opened + rng.range(1, 20) * MINUTE);
        if (rng.chance(0.015)) add('unsubscribed', emailing.id, opened + rng.range(1, 60) * MINUTE);
      }
      if (rng.chance(0.001)) add('complained', emailing.id, sent + rng.range(60, 2000) * MINUTE);
    }
  }
  events.sort((a, b) => a.at - b.at);
  return events;
}

// ---- text formatting ----

const PAD2 = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));

function utcDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

function formatDate(ms: number, european: boolean): string {
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const m = PAD2[d.getUTCMonth() + 1];
  const day = PAD2[d.getUTCDate()];
  return european ? `${day}/${m}/${y}` : `${y}-${m}-${day}`;
}

function formatDateTime(ms: number, european: boolean): string {
  const d = new Date(ms);
  if (european) {
    return `${formatDate(ms, true)} ${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}`;
  }
  return isoInstant(ms);
}

/** ISO 8601 instant without milliseconds: `2026-09-15T08:31:12Z`. */
function isoInstant(ms: number): string {
  const d = new Date(ms);
  return `${formatDate(ms, false)}T${PAD2[d.getUTCHours()]}:${PAD2[d.getUTCMinutes()]}:${PAD2[d.getUTCSeconds()]}Z`;
}

function formatNumber(n: number, european: boolean): string {
  if (Number.isNaN(n)) return '';
  const text = String(n);
  return european ? text.replace('.', ',') : text;
}

function csvCell(value: string, delimiter: string): string {
  if (
    value.includes(delimiter) ||
    value.includes('"') ||
    value.includes('\n') ||
    value.includes('\r')
  ) {
    return `"${value.replace(/"/g, '""')}"`;
  }
  return value;
}

function contactLine(p: Participant, d: string, european: boolean): string {
  const yes = european ? 'oui' : 'yes';
  const no = european ? 'non' : 'no';
  return [
    p.email,
    csvCell(p.firstName, d),
    csvCell(p.lastName, d),
    p.civility,
    formatDate(p.birthdate, true),
    p.country,
    p.language,
    csvCell(p.city, d),
    csvCell(p.zip, d),
    p.phone,
    csvCell(p.job, d),
    p.newsletter ? yes : no,
    p.won ? 'true' : 'false',
    csvCell(formatNumber(p.score, european), d),
    String(p.participations),
    formatDate(p.participationDate, european),
    p.lastPage,
    csvCell(p.likedProduct, d),
    p.externalId,
    formatDateTime(p.registeredAt, european)
  ].join(d);
}

/** Contacts CSV: a header line then one line per participant, yielded in chunks of text. */
export function* generateContacts(options: GeneratorOptions): Generator<string> {
  const d = options.delimiter ?? ',';
  const european = options.european ?? false;
  const chunkRows = options.chunkRows ?? 2000;
  let lines: string[] = [CONTACT_COLUMNS.join(d)];
  for (const p of participants(options)) {
    lines.push(contactLine(p, d, european));
    if (lines.length >= chunkRows) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

/**
 * Events CSV (`contact,type,target,at,amount`) for the contacts generateContacts gives with the
 * same rows and seed: contact is the participant's email, at an ISO instant, amount only on
 * purchases. About five events per contact.
 */
export function* generateEvents(options: GeneratorOptions): Generator<string> {
  const d = options.delimiter ?? ',';
  const european = options.european ?? false;
  const chunkRows = options.chunkRows ?? 2000;
  const rng = createRng(options.seed ?? DEFAULT_SEED, 'events');
  let lines: string[] = [EVENT_COLUMNS.join(d)];
  for (const p of participants(options)) {
    for (const e of participantEvents(p, rng)) {
      const amount = Number.isNaN(e.amount) ? '' : csvCell(formatMoney(e.amount, european), d);
      lines.push(
        `${p.email}${d}${e.type}${d}${csvCell(e.target, d)}${d}${isoInstant(e.at)}${d}${amount}`
      );
    }
    if (lines.length >= chunkRows) {
      yield lines.join('\n') + '\n';
      lines = [];
    }
  }
  if (lines.length > 0) yield lines.join('\n') + '\n';
}

function formatMoney(n: number, european: boolean): string {
  const text = n.toFixed(2);
  return european ? text.replace('.', ',') : text;
}

export interface WriteResult {
  path: string;
  bytes: number;
  /** Data lines written (header excluded). */
  lines: number;
}

/** Streams chunks to `path` through a temporary file, so a crash never leaves a truncated file. */
async function writeChunks(path: string, chunks: Iterable<string>): Promise<WriteResult> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.partial`;
  const out = createWriteStream(tmp, { encoding: 'utf8' });
  let bytes = 0;
  let lines = -1;
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {}); // handled by the races below; keeps Node from calling it unhandled
  for (const chunk of chunks) {
    bytes += Buffer.byteLength(chunk);
    for (let i = chunk.indexOf('\n'); i >= 0; i = chunk.indexOf('\n', i + 1)) lines++;
    if (!out.write(chunk)) {
      await Promise.race([
        new Promise<void>((resolve) => out.once('drain', () => resolve())),
        failed
      ]);
    }
  }
  await Promise.race([new Promise<void>((resolve) => out.end(resolve)), failed]);
  await rename(tmp, path);
  return { path, bytes, lines };
}

export function writeContactsCsv(path: string, options: GeneratorOptions): Promise<WriteResult> {
  return writeChunks(path, generateContacts(options));
}

export function writeEventsCsv(path: string, options: GeneratorOptions): Promise<WriteResult> {
  return writeChunks(path, generateEvents(options));
}
