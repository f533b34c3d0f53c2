/**
 * The Idempotency-Key header: a structured-field string (`"em1:3"`, RFC 8941, as the IETF
 * idempotency-key draft has it) or, as many clients send it, the bare value (`em1:3`).
 */
export type KeyParse = { key: string } | { error: string };

export function parseIdempotencyKey(header: string | string[] | undefined): KeyParse {
  if (header === undefined) return { error: 'The Idempotency-Key header is missing.' };
  if (Array.isArray(header)) return { error: 'Send one Idempotency-Key header, not several.' };
  const raw = header.trim();
  if (raw === '') return { error: 'The Idempotency-Key header is empty.' };
  if (!raw.startsWith('"')) {
    if (raw.length > 255) return { error: 'Idempotency-Key is longer than 255 characters.' };
    return { key: raw };
  }
  let key = '';
  for (let i = 1; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\') {
      const next = raw[++i];
      if (next !== '"' && next !== '\\')
        return { error: 'Idempotency-Key: only \\" and \\\\ may be escaped in a quoted key.' };
      key += next;
    } else if (c === '"') {
      if (i !== raw.length - 1)
        return { error: 'Idempotency-Key: characters after the closing quote.' };
      if (key === '') return { error: 'The Idempotency-Key is an empty string.' };
      if (key.length > 255) return { error: 'Idempotency-Key is longer than 255 characters.' };
      return { key };
    } else {
      const code = c.charCodeAt(0);
      if (code < 0x20 || code > 0x7e)
        return { error: 'Idempotency-Key: only printable ASCII is allowed in a quoted key.' };
      key += c;
    }
  }
  return { error: 'Idempotency-Key: the closing quote is missing.' };
}
