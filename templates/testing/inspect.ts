// Observable extraction for the simulated IROH inspect service.
// Regex based, like IROH's: candidates of every type are found with their positions, a candidate
// lying inside a longer one is dropped (a URL's host or an email's domain is not also reported as
// a domain unless it appears on its own), duplicates are removed, order is order of appearance.

import { isIPv4, isIPv6 } from "node:net";
import type { Observable } from "./vocab.js";

/** Top-level domains accepted for bare domains, so that `report.pdf` is not a domain. */
const TLDS = new Set(
  (
    "com net org edu gov mil int info biz name pro io co me tv cc ly to ai app dev cloud online " +
    "site xyz top club shop store tech security email link live news blog world zone space ru cn " +
    "jp uk de fr it es nl be ch at se no fi dk pl cz sk hu ro bg gr pt ie is ee lv lt ua by kz tr " +
    "il ir in pk bd lk th vn my sg id ph kr tw hk au nz ca us mx br ar cl pe ve za ng ke eg ma sa " +
    "ae qa eu asia su local onion"
  ).split(" "),
);

interface Candidate {
  type: string;
  value: string;
  start: number;
  end: number;
}

const PATTERNS: readonly { type: string; re: RegExp; check?: (v: string) => string | null }[] = [
  {
    type: "url",
    re: /\b(?:https?|ftp):\/\/[^\s<>"'`{}|\\^[\]]+/gi,
    check: (v) => {
      const trimmed = v.replace(/[.,;:!?)]+$/, "");
      try {
        const u = new URL(trimmed);
        return u.hostname ? trimmed : null;
      } catch {
        return null;
      }
    },
  },
  {
    type: "email",
    re: /[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\b/g,
  },
  { type: "sha256", re: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])/g },
  { type: "sha1", re: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{40}(?![0-9A-Fa-f])/g },
  { type: "md5", re: /(?<![0-9A-Fa-f])[0-9A-Fa-f]{32}(?![0-9A-Fa-f])/g },
  {
    type: "ipv6",
    re: /(?<![\w:.])[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*[0-9A-Fa-f:]/g,
    check: (v) => {
      if (!isIPv6(v) || (v.match(/:/g) ?? []).length < 2) return null;
      return v;
    },
  },
  {
    type: "ip",
    re: /(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w]|\.\d)/g,
    check: (v) => (isIPv4(v) ? v : null),
  },
  {
    type: "domain",
    re: /(?<![\w.@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}(?![\w-])/g,
    check: (v) => {
      const tld = v.slice(v.lastIndexOf(".") + 1).toLowerCase();
      return TLDS.has(tld) ? v : null;
    },
  },
];

/** Extract observables from free text, in order of appearance, without duplicates. */
export function extractObservables(content: string): Observable[] {
  const candidates: Candidate[] = [];
  for (const { type, re, check } of PATTERNS) {
    re.lastIndex = 0;
    for (const m of content.matchAll(re)) {
      const raw = m[0];
      const value = check ? check(raw) : raw;
      if (value === null) continue;
      const start = m.index;
      candidates.push({ type, value, start, end: start + value.length });
    }
  }
  // Earliest first; at one position the longest wins (a URL beats the domain inside it).
  candidates.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const accepted: Candidate[] = [];
  for (const c of candidates) {
    if (!accepted.some((a) => c.start >= a.start && c.end <= a.end)) accepted.push(c);
  }
  const out: Observable[] = [];
  const emitted = new Set<string>();
  for (const c of accepted) {
    const key = `${c.type}:${c.type === "url" ? c.value : c.value.toLowerCase()}`;
    if (emitted.has(key)) continue;
    emitted.add(key);
    out.push({ type: c.type, value: c.value });
  }
  return out;
}
