// The budget and the token single-flight in Redis, shared by every process and host of an org.
// Shipped as its own subpath (`xdr-sdk/budget-redis`): users who do not import it never load it.
// The Redis client is the caller's (ioredis, or anything with `eval`/`evalsha` of that shape),
// typed here by its shape so that the package depends on no Redis library.
//
// Every step is one Lua script, so it is atomic; time is Redis's (`TIME`), never a host's, and all
// durations cross the wire relative, so hosts with skewed clocks agree. Keys share one hash tag
// per budget (`{key}`), so that the scripts also run on Redis Cluster.
import {
  type BudgetStore,
  type StoreState,
  type TakeResult,
  type WaitReason,
  PACE_TTL_MS,
} from "./budget-store.js";
import { hex, subtle, type TokenStore } from "./budget-token.js";

/** What the store needs of a Redis client: ioredis's `Redis` and `Cluster` have it. */
export interface RedisClient {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface RedisStoreOptions {
  /** Prefix of every key. Default `xdr-sdk:`. */
  prefix?: string;
}

// `now` in ms from Redis's clock. Redis < 5 needs effects replication to write after TIME.
const NOW = `if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

// Drops the window's expired entries; returns ms until fewer than `limit` remain, and the count.
const FULL = `local function full(key, limit, per)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - per)
  local n = redis.call('ZCARD', key)
  if n < limit then return 0, n end
  if limit < 1 then return per, n end
  local e = redis.call('ZRANGE', key, n - limit, n - limit, 'WITHSCORES')
  return tonumber(e[2]) + per - now, n
end
`;

// KEYS: window, block, pace, rule window, rule block.
// ARGV: windowMs, limit, low (0/1), rule requests (0: none), rule perMs, member.
const TAKE = `${NOW}${FULL}
local W, L, low, R, P = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3] == '1', tonumber(ARGV[4]), tonumber(ARGV[5])
local wait, why = 0, 'ok'
local function worse(ms, reason) if ms > wait then wait, why = ms, reason end end
worse(redis.call('PTTL', KEYS[2]), 'blocked')
if R > 0 then worse(redis.call('PTTL', KEYS[5]), 'blocked') end
local ms, used = full(KEYS[1], L, W)
worse(ms, 'budget')
if low then worse(tonumber(redis.call('HGET', KEYS[3], 'next') or '0') - now, 'pace') end
if R > 0 then worse((full(KEYS[4], R, P)), 'rule') end
if wait > 0 then return {math.ceil(wait), why, used} end
redis.call('ZADD', KEYS[1], now, ARGV[6])
redis.call('PEXPIRE', KEYS[1], W)
if R > 0 then
  redis.call('ZADD', KEYS[4], now, ARGV[6])
  redis.call('PEXPIRE', KEYS[4], P)
end
if low then
  local pace = tonumber(redis.call('HGET', KEYS[3], 'pace') or '0')
  if pace > 0 then redis.call('HSET', KEYS[3], 'next', now + pace) end
end
return {0, 'ok', used + 1}`;

// KEYS: block. ARGV: ms. A longer block in place stays.
const BLOCK = `if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end`;

// KEYS: pace. ARGV: ms, ttl. Back to 0: low-priority calls go at once again.
const PACE = `redis.call('HSET', KEYS[1], 'pace', ARGV[1])
if ARGV[1] == '0' then redis.call('HSET', KEYS[1], 'next', '0') end
redis.call('PEXPIRE', KEYS[1], ARGV[2])`;

// KEYS: window, block, pace. ARGV: windowMs, limits…
// Returns used, blockedMs, paceMs, nextLowMs, then one wait per limit.
const STATE = `${NOW}${FULL}
local W = tonumber(ARGV[1])
local out = {0, math.max(0, redis.call('PTTL', KEYS[2])), 0, 0}
local p = redis.call('HMGET', KEYS[3], 'pace', 'next')
out[3] = tonumber(p[1] or '0')
out[4] = math.max(0, tonumber(p[2] or '0') - now)
for i = 2, #ARGV do
  local ms, n = full(KEYS[1], tonumber(ARGV[i]), W)
  out[1] = n
  out[#out + 1] = math.ceil(ms)
end
return out`;

const GET = `return redis.call('GET', KEYS[1])`;
const PUT = `redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])`;
const LOCK = `return redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')`;
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end`;
const DROP = `local v = redis.call('GET', KEYS[1])
if v then
  local ok, t = pcall(cjson.decode, v)
  if not ok or type(t) ~= 'table' or t.value == ARGV[1] then redis.call('DEL', KEYS[1]) end
end`;

type Run = (keys: readonly string[], args: readonly (string | number)[]) => Promise<unknown>;

/** A script run by its SHA-1 (`EVALSHA`), sent whole once Redis does not know it. */
function script(client: RedisClient, source: string): Run {
  let sha: Promise<string | undefined> | undefined;
  return async (keys, args) => {
    const s = await (sha ??= subtle()
      .digest("SHA-1", new TextEncoder().encode(source))
      .then(hex, () => undefined));
    if (s) {
      try {
        return await client.evalsha(s, keys.length, ...keys, ...args);
      } catch (e) {
        if (!/NOSCRIPT/.test(String((e as Error)?.message))) throw e;
      }
    }
    return client.eval(source, keys.length, ...keys, ...args);
  };
}

/** The budget store (`createBudget({ store })`) and token store (`sharedToken`) in Redis. */
export function redisStore(
  client: RedisClient,
  o: RedisStoreOptions = {},
): BudgetStore & TokenStore {
  const prefix = o.prefix ?? "xdr-sdk:";
  const [take, block, pace, state, get, put, lock, unlock, drop] = [
    TAKE,
    BLOCK,
    PACE,
    STATE,
    GET,
    PUT,
    LOCK,
    UNLOCK,
    DROP,
  ].map((s) => script(client, s));
  const k = (key: string, part: string): string => `${prefix}{${key}}:${part}`;
  const tk = (key: string): string => `${prefix}token:{${key}}`;
  // Members of the window must be unique across processes: a random tag and a counter.
  const tag = Math.random().toString(36).slice(2, 10);
  let seq = 0;

  return {
    async take(r) {
      const rule = r.rule;
      const reply = (await take!(
        [
          k(r.key, "w"),
          k(r.key, "b"),
          k(r.key, "p"),
          k(r.key, "r:" + (rule?.key ?? "")),
          k(r.key, "b:" + (rule?.key ?? "")),
        ],
        [
          r.windowMs,
          r.limit,
          r.low ? 1 : 0,
          rule?.requests ?? 0,
          rule?.perMs ?? 0,
          `${tag}:${++seq}`,
        ],
      )) as [number, WaitReason, number];
      return reply satisfies TakeResult;
    },
    async block(key, ms, rule) {
      await block!([k(key, rule === undefined ? "b" : "b:" + rule)], [Math.ceil(ms)]);
    },
    async pace(key, ms) {
      await pace!([k(key, "p")], [Math.ceil(ms), PACE_TTL_MS]);
    },
    async state(key, windowMs, limits): Promise<StoreState> {
      const r = (await state!(
        [k(key, "w"), k(key, "b"), k(key, "p")],
        [windowMs, ...limits],
      )) as number[];
      return {
        used: r[0]!,
        blockedMs: r[1]!,
        paceMs: r[2]!,
        nextLowMs: r[3]!,
        next: r.slice(4),
      };
    },
    async getToken(key) {
      return ((await get!([tk(key)], [])) as string | null) ?? undefined;
    },
    async putToken(key, value, ttlMs) {
      await put!([tk(key)], [value, Math.ceil(ttlMs)]);
    },
    async acquireTokenLock(key, ttlMs) {
      const id = `${tag}:${++seq}`;
      return (await lock!([tk(key) + ":lock"], [id, Math.ceil(ttlMs)])) ? id : undefined;
    },
    async releaseTokenLock(key, id) {
      await unlock!([tk(key) + ":lock"], [id]);
    },
    async dropToken(key, value) {
      await drop!([tk(key)], [value]);
    },
  };
}
