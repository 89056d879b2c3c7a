// Secrets spelled out in encodings a server may echo them in, besides those of redaction.test.ts:
// base64 at any byte offset inside a longer base64 text, hex, `\uXXXX` and HTML escapes. A short
// secret's spelled-out forms are left alone: they would mangle unrelated numbers and words.
import { describe, expect, it } from "vitest";
import { redact } from "../../templates/runtime/redact.js";

const SECRET = "Sup3r-S3cret/Value+0123456789";
const TOKEN = "tok-static-abcdef123456";

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const b64url = (s: string) => Buffer.from(s, "utf8").toString("base64url");
const hex = (s: string) => Buffer.from(s, "utf8").toString("hex");

/** Every base64 run of a text decoded (at each of its 4 alignments), for a leak check. */
function decodedRuns(text: string): string {
  const runs = text.match(/[A-Za-z0-9+/_-]{8,}/g) ?? [];
  return runs
    .flatMap((run) =>
      [0, 1, 2, 3].map((k) => Buffer.from(run.slice(k), "base64").toString("latin1")),
    )
    .join("\n");
}

describe("redact: encodings that spell a secret out", () => {
  it.each([
    ["at offset 0, followed by more", `${SECRET}&more=1`],
    ["at offset 1", `u${SECRET}`],
    ["at offset 2", `u=${SECRET}`],
    ["at offset 3, then more", `id=${SECRET}:tail`],
    ["after id:", `client-abc:${SECRET}`],
  ])("base64 of a longer text, secret %s", (_title, plain) => {
    for (const encoded of [b64(plain), b64url(plain)]) {
      const out = redact(`got ${encoded} back`, [SECRET]);
      expect(decodedRuns(out)).not.toContain(SECRET);
      expect(decodedRuns(out)).not.toContain(SECRET.slice(2, -2));
    }
  });

  it.each<[string, (s: string) => string]>([
    ["hex, lower case", (s) => hex(s)],
    ["hex, upper case", (s) => hex(s).toUpperCase()],
    [
      "every character as \\uXXXX",
      (s) => s.replace(/[\s\S]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")),
    ],
    [
      "every character as \\uXXXX, upper-case hex",
      (s) =>
        s.replace(
          /[\s\S]/g,
          (c) => "\\u" + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0"),
        ),
    ],
    ["HTML decimal entities", (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join("")],
    [
      "HTML hex entities",
      (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join(""),
    ],
  ])("%s", (_title, encode) => {
    for (const secret of [SECRET, TOKEN]) {
      const out = redact(`got ${encode(secret)} back`, [secret]);
      expect(out).toBe("got [redacted] back");
    }
  });

  it("HTML-escaped (&amp;, &quot;, &lt;…)", () => {
    const secret = `a&b"c<d>e'f-0123`;
    const html = "a&amp;b&quot;c&lt;d&gt;e&#39;f-0123";
    expect(redact(`<p>${html}</p>`, [secret])).toBe("<p>[redacted]</p>");
  });

  it("a 1-character secret's hex or entity does not mangle unrelated text", () => {
    const text = "HTTP 461: 61 items, see &#97; and 0x61";
    expect(redact(text, ["a"])).toBe(text);
  });
});
