// Scrubbing: every secret the transport knows is removed from text in each form it may come
// back in (see `redact`), and control characters of server text are shown as escapes so that it
// cannot forge log lines. Used for messages, kept bodies, headers and causes alike.

/** Secrets shorter than this are only removed where they stand as a whole word (see `redact`). */
const SHORT = 8;
const WORD = /[A-Za-z0-9]/;
/** Base64 of the UTF-8 bytes (btoa alone takes Latin-1 only): HTTP Basic, and a secret's forms. */
export const base64 = (s: string): string =>
  btoa(String.fromCharCode(...new TextEncoder().encode(s)));

/** A character as a JSON `\uXXXX` escape. */
const unicodeEscape = (c: string): string => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0");

/** HTML's escapes of the characters it must escape. */
const HTML: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * The forms a secret may come back in: as is; JSON-escaped (ASCII-only, and every character as
 * `\uXXXX`); URL-encoded three ways (encodeURIComponent, strict RFC 3986, form encoding with
 * `+`) in either hex case; HTML-escaped (and every character as a numeric entity); hex of its
 * UTF-8 bytes; and base64/base64url, whole (with `Basic `, which is also how `id:secret` is
 * sent) and as the characters it gives at each of the three offsets it can start at inside a
 * longer base64 text (`base64("user=" + secret)` holds neither of the whole forms).
 */
function forms(s: string): Set<string> {
  let f = FORMS.get(s);
  if (!f) {
    // Bounded: tokens come and go in a long-lived process.
    if (FORMS.size >= 64) FORMS.clear();
    FORMS.set(s, (f = new Set(spelled(s))));
  }
  return f;
}

/** `forms` of the secrets seen lately: redactDeep asks for them once per string of a body. */
const FORMS = new Map<string, Set<string>>();

function spelled(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  // Lone surrogates only (encodeURIComponent throws on them); a pair stays the character it is.
  // (A pair matches first and is kept; no lookbehind, which older Safari cannot parse.)
  const wellFormed = s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]|[\uD800-\uDFFF]/g, (c) =>
    c.length > 1 ? c : "\uFFFD",
  );
  const uri = encodeURIComponent(wellFormed);
  const strict = uri.replace(/[!'()*~]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
  /** Base64 forms: whole, unpadded, and (below) cut out of a longer base64 text. */
  const b64 = [base64(s), base64(s).replace(/=+$/, "")];
  const out = [
    s,
    json,
    json.replace(/[\u007f-\uffff]/g, unicodeEscape),
    s.replace(/[&<>"']/g, (c) => HTML[c]!),
  ];
  // The forms that spell every character out: a short secret's would be short numbers and
  // letters that stand as words in unrelated text (a 1-character secret's hex is two digits).
  if (s.length >= SHORT) {
    const escaped = s.replace(/[\s\S]/g, unicodeEscape);
    const codePoints = [...s].map((c) => c.codePointAt(0)!);
    const bytes = [...new TextEncoder().encode(s)];
    const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
    out.push(
      escaped,
      escaped.replace(/[a-f]/g, (c) => c.toUpperCase()),
      codePoints.map((c) => `&#${c};`).join(""),
      codePoints.map((c) => `&#x${c.toString(16)};`).join(""),
      hex,
      hex.toUpperCase(),
    );
    for (let offset = 0; offset < 3; offset++) {
      // `offset` bytes before the secret: keep the characters made of its bits alone.
      const b = btoa(String.fromCharCode(...new Array<number>(offset).fill(0), ...bytes));
      b64.push(b.slice(Math.ceil((8 * offset) / 6), Math.floor((8 * (offset + bytes.length)) / 6)));
    }
  }
  for (const b of b64) out.push(b, b.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""));
  for (const u of [uri, strict, new URLSearchParams([["", wellFormed]]).toString().slice(1)]) {
    for (const v of [u, u.replace(/%20/g, "+")]) {
      out.push(
        v,
        v.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      );
    }
  }
  return out;
}

/**
 * Removes every occurrence of the given secrets, in each of their encodings, from a text. A
 * secret shorter than 8 characters is removed only where it stands as a whole word, so that a
 * one-letter secret cannot mangle the rest of a message.
 */
export function redact(text: string, secrets: Iterable<string | undefined>): string {
  // Longest first: `Basic base64(id:secret)` goes whole before the secret's own base64 pieces,
  // which would otherwise cut it up and leave its ends in the text.
  const known = [...secrets].filter((s): s is string => !!s).sort((a, b) => b.length - a.length);
  for (const s of known) {
    for (const f of forms(s)) {
      if (!f || !text.includes(f)) continue;
      if (f.length >= SHORT) {
        text = text.split(f).join("[redacted]");
        continue;
      }
      let out = "";
      let from = 0;
      for (let i = text.indexOf(f); i >= 0; i = text.indexOf(f, i + 1)) {
        const before = text[i - 1];
        const after = text[i + f.length];
        if (i < from || (before && WORD.test(before)) || (after && WORD.test(after))) continue;
        out += text.slice(from, i) + "[redacted]";
        from = i + f.length;
      }
      text = out + text.slice(from);
    }
  }
  return text;
}

/**
 * Control characters (ANSI escapes, CR/LF, NUL, C1) of server text shown as escapes, so that a
 * message cannot rewrite a terminal or forge a log line.
 */
export function clean(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it neutralises
    /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
    unicodeEscape,
  );
}

/** Strings anywhere in a parsed body, scrubbed (a JSON-escaped secret is plain once parsed). */
export function redactDeep(value: unknown, secrets: Iterable<string | undefined>): unknown {
  if (typeof value === "string") return redact(value, secrets);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, secrets));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // defineProperty: a key "__proto__" stays a key, never the prototype.
      Object.defineProperty(out, redact(k, secrets), {
        value: redactDeep(v, secrets),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** Response headers with every secret scrubbed from their values. */
export function scrubHeaders(h: Headers, secrets: Iterable<string | undefined>): Headers {
  const out = new Headers();
  h.forEach((v, k) => out.append(k, redact(v, secrets)));
  return out;
}

/** One layer of a `fetch` failure: undici nests the real reason one or two causes deep. */
interface Failure {
  message?: unknown;
  code?: unknown;
  cause?: Failure;
}

/**
 * A `fetch` failure made safe to keep as a `cause`: undici's messages can quote a header value
 * (a token) verbatim. Keeps the name, the scrubbed message and the error code.
 */
export function safeCause(e: unknown, secrets: Iterable<string | undefined>): Error {
  const err = e as (Failure & { name?: unknown }) | undefined;
  const copy = new Error(clean(redact(String(err?.message ?? e), secrets)));
  copy.name = String(err?.name ?? "Error");
  copy.stack = copy.name + ": " + copy.message;
  // The first code that names something (`ECONNRESET`, `UND_ERR_SOCKET`), not a DOMException's 0.
  let code: unknown;
  for (let c = err, depth = 0; c && code === undefined && depth < 8; c = c.cause, depth++) {
    if (typeof c.code === "string") code = c.code;
  }
  if (code !== undefined) Object.assign(copy, { code: clean(redact(String(code), secrets)) });
  return copy;
}

/**
 * The useful part of a `fetch` failure, scrubbed and on one line: a system error code
 * (`ECONNREFUSED`, `ENOTFOUND`…), else the innermost message. undici wraps a proxy's refusal
 * twice ("fetch failed" → "Request was cancelled." (code 0) → "Proxy response (407) !== 200 when
 * HTTP Tunneling"): the outer layers say nothing a user can act on.
 */
export function reason(e: unknown, secrets: Iterable<string | undefined>): string {
  let text = String((e as Failure | undefined)?.message ?? e);
  let c = (e as Failure | undefined)?.cause;
  for (let depth = 0; c && depth < 8; c = c.cause, depth++) {
    if (typeof c.code === "string" && /^E[A-Z]+$/.test(c.code)) {
      text = c.code;
      break;
    }
    if (c.message) text = String(c.message);
  }
  return clean(redact(text, secrets));
}
