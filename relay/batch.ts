/**
 * The batch a client posts to `POST /v1/batches` (SPEC.md section 4), and its checking:
 * a bad batch is refused whole with a message naming the field and what is wrong.
 */
export interface Address {
  email: string;
  name?: string;
}

export interface OutgoingMessage {
  messageId: string;
  to: Address;
  from: Address;
  replyTo?: Address | string;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
}

export interface Batch {
  batchId: string;
  emailingId: string;
  sendAt?: string;
  messages: OutgoingMessage[];
}

export interface MessageResult {
  messageId: string;
  status: 'accepted' | 'rejected';
  reason?: string;
  bounce?: 'hard' | 'soft';
}

export interface BatchResponse {
  results: MessageResult[];
  /** Present when the batch was scheduled rather than sent at once. */
  scheduled?: string;
}

const EMAIL = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\]+$/;
// Headers the relay writes itself: a client may not replace them through `headers`.
const RESERVED = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'subject',
  'date',
  'message-id',
  'reply-to',
  'content-type',
  'content-transfer-encoding',
  'mime-version',
  'list-unsubscribe-post'
]);

export class BatchError extends Error {}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(v: unknown, field: string, { empty = false, max = 10_000_000 } = {}): string {
  if (typeof v !== 'string') throw new BatchError(`${field}: expected a string.`);
  if (!empty && v.trim() === '') throw new BatchError(`${field}: must not be empty.`);
  if (v.length > max) throw new BatchError(`${field}: longer than ${max} characters.`);
  return v;
}

function address(v: unknown, field: string): Address {
  if (!isObject(v)) throw new BatchError(`${field}: expected {"email", "name"?}.`);
  const email = text(v.email, `${field}.email`, { max: 320 }).trim();
  if (!EMAIL.test(email)) throw new BatchError(`${field}.email: "${email}" is not an address.`);
  const out: Address = { email };
  if (v.name !== undefined && v.name !== null) {
    const name = text(v.name, `${field}.name`, { empty: true, max: 500 });
    if (/[\r\n]/.test(name)) throw new BatchError(`${field}.name: must not contain line breaks.`);
    if (name.trim()) out.name = name;
  }
  return out;
}

function headers(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw new BatchError(`${field}: expected an object of header: value.`);
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(v)) {
    if (!/^[!-9;-~]+$/.test(name))
      throw new BatchError(`${field}: "${name}" is not a header name.`);
    if (RESERVED.has(name.toLowerCase()))
      throw new BatchError(`${field}.${name}: set by the relay, it cannot be given here.`);
    const s = text(value, `${field}.${name}`, { empty: true, max: 4000 });
    if (/[\r\n]/.test(s)) throw new BatchError(`${field}.${name}: must not contain line breaks.`);
    out[name] = s;
  }
  return out;
}

function message(v: unknown, field: string): OutgoingMessage {
  if (!isObject(v)) throw new BatchError(`${field}: expected a message object.`);
  const subject = text(v.subject, `${field}.subject`, { empty: true, max: 2000 });
  if (/[\r\n]/.test(subject))
    throw new BatchError(`${field}.subject: must not contain line breaks.`);
  const html = v.html === undefined ? '' : text(v.html, `${field}.html`, { empty: true });
  const plain = v.text === undefined ? '' : text(v.text, `${field}.text`, { empty: true });
  if (html.trim() === '' && plain.trim() === '')
    throw new BatchError(`${field}: both html and text are empty.`);
  const out: OutgoingMessage = {
    messageId: text(v.messageId, `${field}.messageId`, { max: 200 }),
    to: address(v.to, `${field}.to`),
    from: address(v.from, `${field}.from`),
    subject,
    html,
    text: plain
  };
  if (v.replyTo !== undefined && v.replyTo !== null && v.replyTo !== '')
    out.replyTo =
      typeof v.replyTo === 'string'
        ? address({ email: v.replyTo }, `${field}.replyTo`)
        : address(v.replyTo, `${field}.replyTo`);
  const h = headers(v.headers, `${field}.headers`);
  if (h) out.headers = h;
  return out;
}

/** Checks a parsed body; returns the batch with only the known fields, trimmed. */
export function validateBatch(body: unknown, maxBatch: number): Batch {
  if (!isObject(body)) throw new BatchError('The body must be a JSON object.');
  const batchId = text(body.batchId, 'batchId', { max: 200 });
  const emailingId = text(body.emailingId, 'emailingId', { max: 200 });
  let sendAt: string | undefined;
  if (body.sendAt !== undefined && body.sendAt !== null) {
    sendAt = text(body.sendAt, 'sendAt');
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(sendAt) || Number.isNaN(Date.parse(sendAt)))
      throw new BatchError(`sendAt: "${sendAt}" is not an ISO-8601 date and time.`);
  }
  if (!Array.isArray(body.messages)) throw new BatchError('messages: expected an array.');
  if (body.messages.length === 0) throw new BatchError('messages: the batch is empty.');
  if (body.messages.length > maxBatch)
    throw new BatchError(
      `messages: ${body.messages.length} messages, more than maxBatch (${maxBatch}).`
    );
  const messages = body.messages.map((m, i) => message(m, `messages[${i}]`));
  const seen = new Set<string>();
  messages.forEach((m, i) => {
    if (seen.has(m.messageId))
      throw new BatchError(
        `messages[${i}].messageId: "${m.messageId}" appears twice in the batch.`
      );
    seen.add(m.messageId);
  });
  return { batchId, emailingId, ...(sendAt ? { sendAt } : {}), messages };
}
