// Calls one catalog operation through the SDK's named method (`xdr.iroh.enrich.deliberate`), so
// tokens, scope checks, retries, rate limits, paging and workflow waits are the SDK's own.
import type { JsonSchema, OperationEntry } from "./catalog.js";
import { UsageError } from "./failure.js";

/** Input keys that steer the call rather than travel to XDR. */
export const META = ["_confirm", "_fields", "_max_items", "_wait"] as const;

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Paged operations: stop after this many items (across pages). Default: the first page. */
  readonly maxItems?: number;
  /** Waitable starts (`workflows.start`): resolve to the finished run. */
  readonly wait?: boolean;
  readonly waitTimeoutMs?: number;
}

/** A paged result: the items, the total when XDR says, and the input of the next page. */
export interface PagedResult {
  readonly items: unknown[];
  readonly totalHits?: number;
  readonly hasMore: boolean;
  /** Merge into the same call's input to get the next page. */
  readonly next?: Record<string, unknown>;
}

type Fn = (...args: unknown[]) => unknown;
interface PageLike {
  items: unknown[];
  totalHits?: number;
  response?: Response;
  hasNextPage(): boolean;
  nextPage(): Promise<PageLike>;
}

/** The SDK method of an operation, or a `UsageError` when this copy of the SDK lacks it. */
export function methodOf(xdr: unknown, op: OperationEntry): Fn {
  let target: unknown = (xdr as Record<string, unknown>)[op.api];
  let owner: unknown = target;
  for (const segment of op.name.split(".")) {
    owner = target;
    target =
      target && (typeof target === "object" || typeof target === "function")
        ? (target as Record<string, unknown>)[segment]
        : undefined;
  }
  if (typeof target !== "function") {
    throw new UsageError(`${op.api}.${op.name} is not available in the installed xdr-sdk`);
  }
  return (target as Fn).bind(owner);
}

/** Splits a tool/CLI input into the SDK's argument and request options. */
export function sdkArguments(
  op: OperationEntry,
  input: Record<string, unknown>,
): { args: unknown; query?: Record<string, unknown> } {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (!(META as readonly string[]).includes(k) && v !== undefined) rest[k] = v;
  }
  if (op.args === "none") return { args: undefined };
  if (op.args === "body") {
    const { body, ...query } = rest;
    return { args: body, ...(Object.keys(query).length ? { query } : {}) };
  }
  return { args: rest };
}

export async function invoke(
  xdr: unknown,
  op: OperationEntry,
  input: Record<string, unknown>,
  options: CallOptions = {},
): Promise<unknown> {
  const fn = methodOf(xdr, op);
  const { args, query } = sdkArguments(op, input);
  const requestOptions: Record<string, unknown> = {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(query ? { query } : {}),
  };
  if (op.waitable && options.wait) {
    Object.assign(
      requestOptions,
      { wait: true },
      options.waitTimeoutMs ? { waitTimeoutMs: options.waitTimeoutMs } : {},
    );
  }
  const call = op.args === "none" ? fn(requestOptions) : fn(args, requestOptions);
  if (!op.paging) return await call;
  let page = (await call) as PageLike;
  const items = [...page.items];
  const max = options.maxItems ?? 0;
  while (items.length < max && page.hasNextPage()) {
    page = await page.nextPage();
    items.push(...page.items);
  }
  const kept = max > 0 ? items.slice(0, max) : items;
  const hasMore = kept.length < items.length || page.hasNextPage();
  return {
    items: kept,
    ...(page.totalHits !== undefined ? { totalHits: page.totalHits } : {}),
    hasMore,
    ...(hasMore
      ? { next: nextInput(op, input, page, items.length - kept.length, kept.length) }
      : {}),
  } satisfies PagedResult;
}

/** Query values as the schema types them: lists stay lists, numbers become numbers. */
function typed(schema: JsonSchema | undefined, values: string[]): unknown {
  const type = (s: JsonSchema | undefined) =>
    (Array.isArray(s?.type) ? s.type[0] : s?.type) as unknown;
  const one = (s: JsonSchema | undefined, v: string) =>
    (type(s) === "integer" || type(s) === "number") && v.trim() !== "" && Number.isFinite(Number(v))
      ? Number(v)
      : v;
  if (type(schema) === "array")
    return values.map((v) => one(schema?.items as JsonSchema | undefined, v));
  return one(schema, values[values.length - 1] ?? "");
}

/** Every item of every page, one by one (CLI `--all`). */
export async function* allItems(
  xdr: unknown,
  op: OperationEntry,
  input: Record<string, unknown>,
  options: CallOptions = {},
): AsyncGenerator<unknown> {
  if (!op.paging) throw new UsageError(`${op.api}.${op.name} is not a paged operation`);
  const fn = methodOf(xdr, op);
  const { args } = sdkArguments(op, input);
  yield* fn(args, options.signal ? { signal: options.signal } : {}) as AsyncIterable<unknown>;
}

/**
 * The input of the next page. CTIA: the `X-Next` header is the next page's query (offset or
 * search_after). Automation: `start` moves on by the items returned. Items fetched but not shown
 * (cut by `_max_items`) are not skipped: the offset counts only what was returned.
 */
function nextInput(
  op: OperationEntry,
  input: Record<string, unknown>,
  page: PageLike,
  unshown: number,
  shown: number,
): Record<string, unknown> | undefined {
  if (op.paging === "ctia") {
    if (unshown > 0) {
      const offset = Number(input.offset ?? 0) + shown;
      return { offset };
    }
    const header = page.response?.headers.get("x-next");
    if (!header) return undefined;
    // Typed as the input schema says: the next call's input is validated against it.
    const params = new URLSearchParams(header.replace(/^\?/, ""));
    const next: Record<string, unknown> = {};
    for (const k of new Set(params.keys())) {
      next[k] = typed(
        (op.input.properties as Record<string, JsonSchema> | undefined)?.[k],
        params.getAll(k),
      );
    }
    return next;
  }
  return { start: Number(input.start ?? 0) + shown };
}
