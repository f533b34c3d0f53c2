/**
 * The bytes of a message nodemailer's MailComposer compiled, produced in one synchronous pass
 * instead of through its stream pipeline. The headers are nodemailer's own (`buildHeaders`:
 * RFC 2047 words, folding, addresses, Content-Transfer-Encoding); the bodies are encoded with
 * nodemailer's own quoted-printable and base64 functions, and parts are laid out as its
 * `MimeNode.stream` does. Streaming a small message cost about 0.3 ms of the relay's main
 * thread (a PassThrough, a pipeline, an encoder stream and abort signals per part), most of the
 * relay's time at thousands of messages a second; this costs a small fraction of that. A tree
 * this does not cover (streamed or file content, raw nodes, transforms) returns null and is
 * built the usual way. `tests/unit/relay/mime-sync.test.ts` holds it byte-identical to `build()`.
 */
import * as base64 from 'nodemailer/lib/base64';
import type MimeNode from 'nodemailer/lib/mime-node';
import * as qp from 'nodemailer/lib/qp';

/** What this reads of a MimeNode beyond its typed surface. */
interface NodeInternals {
  content?: unknown;
  childNodes: MimeNode[];
  multipart?: string | false;
  boundary?: string | false;
  contentType?: string;
  newline?: string;
  _raw?: unknown;
  _transforms: unknown[];
  _processFuncs: unknown[];
  buildHeaders(): string;
  getTransferEncoding(): string | false;
}

function internals(node: MimeNode): NodeInternals {
  return node as unknown as NodeInternals;
}

/** Whether the whole tree is made of string or Buffer contents only. */
function simple(node: MimeNode, root: boolean): boolean {
  const n = internals(node);
  if (n._raw !== undefined && n._raw !== null && n._raw !== false) return false;
  if (root && (n._transforms.length > 0 || n._processFuncs.length > 0 || n.newline)) return false;
  if (n.content !== undefined && n.content !== null && n.content !== false) {
    if (typeof n.content !== 'string' && !Buffer.isBuffer(n.content)) return false;
  }
  return n.childNodes.every((c) => simple(c, false));
}

function encodeContent(content: string | Buffer, encoding: string | false, type: string): string {
  const buffer = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  if (encoding === 'base64') return base64.wrap(base64.encode(buffer), 76);
  if (encoding === 'quoted-printable') {
    // Outside text a lone CR or LF is data; nodemailer's streaming encoder treats it so, and
    // the plain encode() does not: such parts take the usual path (see simple()).
    if (!/^text\//i.test(type)) throw new NotSimple();
    return qp.wrap(qp.encode(buffer), 76);
  }
  return buffer.toString('utf8');
}

class NotSimple extends Error {}

function write(node: MimeNode, out: string[]): void {
  const n = internals(node);
  // buildHeaders sets contentType, multipart and boundary, which the layout below reads.
  const encoding = n.getTransferEncoding();
  out.push(n.buildHeaders() + '\r\n\r\n');
  if (n.content !== undefined && n.content !== null && n.content !== false)
    out.push(encodeContent(n.content as string | Buffer, encoding, n.contentType ?? ''));
  if (!n.multipart) return;
  n.childNodes.forEach((child, i) => {
    out.push((i > 0 ? '\r\n' : '') + '--' + n.boundary + '\r\n');
    write(child, out);
  });
  out.push('\r\n--' + n.boundary + '--\r\n');
}

/** The message's bytes, or null when the tree needs nodemailer's streaming build. */
export function buildSync(root: MimeNode): Buffer | null {
  if (!simple(root, true)) return null;
  const out: string[] = [];
  try {
    write(root, out);
  } catch (error) {
    if (error instanceof NotSimple) return null;
    throw error;
  }
  let raw = out.join('');
  // nodemailer's LastNewline: the message ends with a line break.
  if (!raw.endsWith('\n')) raw += raw.endsWith('\r') ? '\n' : '\r\n';
  return Buffer.from(raw, 'utf8');
}
