// The store of a rate budget: where its sliding window, blocks and pace live, and the default
// one, in memory (one process). `budget-redis.ts` implements the same contract in Redis, so that
// processes and hosts share one budget; `budget.ts` holds the policy (lanes, learning) on top.

/** Why a call has to wait. */
export type WaitReason = "ok" | "blocked" | "budget" | "rule" | "pace";

/** `[wait in ms (0: the call was counted and may go), why, requests in the window]`. */
export type TakeResult = readonly [waitMs: number, reason: WaitReason, used: number];

export interface TakeRequest {
  /** The budget's key: every process of one org that shares a store uses the same. */
  readonly key: string;
  readonly windowMs: number;
  /** How many requests of the window this call's lane may see before it (its ceiling). */
  readonly limit: number;
  /** Low priority: honours the spacing learned from the server. */
  readonly low: boolean;
  readonly rule?: { readonly key: string; readonly requests: number; readonly perMs: number };
}

export interface StoreState {
  readonly used: number;
  /** Per limit asked for: ms until a request under that ceiling could go (0: now). */
  readonly next: readonly number[];
  readonly blockedMs: number;
  /** Spacing of low-priority calls; `nextLowMs`: until the next may go. */
  readonly paceMs: number;
  readonly nextLowMs: number;
}

/**
 * Where the window lives. Every method is one atomic step (a Lua script in Redis), and all
 * durations are relative, so that hosts whose clocks differ still agree (Redis uses its own).
 */
export interface BudgetStore {
  /** Counts the call if the block, its lane, its rule and the low-priority pace all allow it. */
  take(r: TakeRequest): TakeResult | Promise<TakeResult>;
  /** Refuses every call of `key` (or of its `rule` only) for `ms`; a longer block stays. */
  block(key: string, ms: number, rule?: string): void | Promise<void>;
  /** Spacing of low-priority calls, learned from the server; 0: none. */
  pace(key: string, ms: number): void | Promise<void>;
  state(key: string, windowMs: number, limits: readonly number[]): StoreState | Promise<StoreState>;
}

/** How long a learned pace lasts unless an answer renews it: a dead process's view decays. */
export const PACE_TTL_MS = 600_000;

/** Send times, ascending, from index `head` (dropped from the front without shifting). */
interface Window {
  times: number[];
  head: number;
}

/** The default store: one process. Its clock is injectable for tests. */
export function memoryStore(now: () => number = Date.now): BudgetStore {
  const windows = new Map<string, Window>();
  /** Blocks: key (or key + NUL + rule) → until. */
  const blocks = new Map<string, number>();
  const paces = new Map<string, { ms: number; until: number; next: number }>();

  const win = (k: string): Window => {
    let w = windows.get(k);
    if (!w) windows.set(k, (w = { times: [], head: 0 }));
    return w;
  };
  /** Drops the times at or before `cutoff`; returns how many remain. */
  const prune = (w: Window, cutoff: number): number => {
    const t = w.times;
    while (w.head < t.length && t[w.head]! <= cutoff) w.head++;
    if (w.head > 64 && w.head * 2 > t.length) {
      w.times = t.slice(w.head);
      w.head = 0;
    }
    return w.times.length - w.head;
  };
  /** Ms until fewer than `limit` of the window's times remain. */
  const waitFor = (w: Window, n: number, limit: number, per: number, t: number): number =>
    n < limit ? 0 : limit < 1 ? per : w.times[w.times.length - limit]! + per - t;
  const add = (w: Window, t: number): void => {
    const times = w.times;
    let i = times.length;
    if (!i || times[i - 1]! <= t) return void times.push(t);
    // A clock never runs back in practice; keep the order if a test's does.
    while (i > w.head && times[i - 1]! > t) i--;
    times.splice(i, 0, t);
  };
  const blocked = (k: string, t: number): number => (blocks.get(k) ?? 0) - t;
  const paceOf = (k: string, t: number) => {
    const p = paces.get(k);
    return p && p.until > t ? p : undefined;
  };

  return {
    take(r) {
      // Plain branches, no closure: this runs once per request.
      const t = now();
      const rule = r.rule;
      const ruleKey = rule && r.key + "\0" + rule.key;
      let wait = blocked(r.key, t);
      let why: WaitReason = "blocked";
      if (ruleKey) wait = Math.max(wait, blocked(ruleKey, t));
      const w = win(r.key);
      const used = prune(w, t - r.windowMs);
      let ms = waitFor(w, used, r.limit, r.windowMs, t);
      if (ms > wait) {
        wait = ms;
        why = "budget";
      }
      const p = r.low ? paceOf(r.key, t) : undefined;
      if (p && p.next - t > wait) {
        wait = p.next - t;
        why = "pace";
      }
      let rw: Window | undefined;
      if (ruleKey) {
        rw = win(ruleKey);
        ms = waitFor(rw, prune(rw, t - rule.perMs), rule.requests, rule.perMs, t);
        if (ms > wait) {
          wait = ms;
          why = "rule";
        }
      }
      if (wait > 0) return [wait, why, used];
      add(w, t);
      if (rw) add(rw, t);
      if (p) p.next = t + p.ms;
      return [0, "ok", used + 1];
    },
    block(key, ms, rule) {
      const k = rule === undefined ? key : key + "\0" + rule;
      const until = now() + ms;
      if (until > (blocks.get(k) ?? 0)) blocks.set(k, until);
    },
    pace(key, ms) {
      const t = now();
      const p = paces.get(key);
      // Back above the threshold: low-priority calls go at once again.
      paces.set(key, { ms, until: t + PACE_TTL_MS, next: ms && (p?.next ?? 0) });
    },
    state(key, windowMs, limits) {
      const t = now();
      const w = win(key);
      const used = prune(w, t - windowMs);
      const p = paceOf(key, t);
      return {
        used,
        next: limits.map((l) => waitFor(w, used, l, windowMs, t)),
        blockedMs: Math.max(0, blocked(key, t)),
        paceMs: p?.ms ?? 0,
        nextLowMs: p ? Math.max(0, p.next - t) : 0,
      };
    },
  };
}
