// Bounded reads of a server's answer: at most a limit is read (the rest is cancelled, never
// downloaded), and what is kept of an error body is scrubbed before it is cut.
import { redact, redactDeep } from "./redact.js";

/** A text as JSON when it parses, else as is; `undefined` when empty. */
export function parseText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** How much of an error body is kept on `ApiError.body` (bytes); the rest is never read. */
export const ERROR_BODY_BYTES = 65_536;

/**
 * Reads at most `limit` bytes of a body, then cancels the rest (a 200 MB error page is never
 * held in memory). `more`: the body went on past `limit`.
 */
export async function readUpTo(
  res: Response,
  limit: number,
): Promise<{ blob: Blob; more: boolean }> {
  const reader = res.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let more = false;
  for (;;) {
    const r = await reader?.read();
    if (!r || r.done) break;
    const { value } = r;
    const take = Math.min(value.byteLength, limit - size);
    chunks.push(value.subarray(0, take));
    size += take;
    if (take < value.byteLength || size >= limit) {
      // A peek for one more byte tells a body of exactly `limit` bytes from a longer one.
      more = take < value.byteLength || !(await reader!.read()).done;
      void reader!.cancel().catch(() => undefined);
      break;
    }
  }
  // Typed through Blob itself: `BlobPart` is a DOM name that Node-only projects lack.
  return { blob: new Blob(chunks as unknown as ConstructorParameters<typeof Blob>[0]), more };
}

/** `readUpTo` as text (UTF-8; a character cut at the limit becomes U+FFFD). */
export async function readText(
  res: Response,
  limit: number,
): Promise<{ text: string; more: boolean }> {
  const { blob, more } = await readUpTo(res, limit);
  return { text: await blob.text(), more };
}

/**
 * What is kept of an error body read with `readText(res, limit + EXCERPT_MARGIN)`: scrubbed
 * before the cut (so no cut keeps the head of a secret), as JSON when it parses whole, else the
 * text (with `…` when cut).
 */
export function excerpt(
  text: string,
  more: boolean,
  limit: number,
  secrets: Iterable<string | undefined>,
): unknown {
  const { body, cut } = scrubbedText(text, more, limit, secrets);
  return cut ? body : redactDeep(parseText(body), secrets);
}

/** `text` scrubbed, then cut at `limit` (with `…`); `cut`: it was (or the body went on). */
export function scrubbedText(
  text: string,
  more: boolean,
  limit: number,
  secrets: Iterable<string | undefined>,
): { body: string; cut: boolean } {
  const scrubbed = redact(text, secrets);
  const cut = more || scrubbed.length > limit;
  return { body: cut ? scrubbed.slice(0, limit) + "…" : scrubbed, cut };
}

/** Read past an excerpt's limit, so that a secret across the cut is whole when scrubbed. */
export const EXCERPT_MARGIN = 8_192;

/**
 * Reads an error body: a bounded excerpt (`ERROR_BODY_BYTES`), scrubbed. A body that breaks off
 * while being read keeps what arrived.
 */
export async function readBody(
  res: Response,
  secrets: Iterable<string | undefined>,
): Promise<unknown> {
  try {
    const { text, more } = await readText(res, ERROR_BODY_BYTES + EXCERPT_MARGIN);
    return excerpt(text, more, ERROR_BODY_BYTES, secrets);
  } catch {
    return undefined;
  }
}
