// Paging. CTIA: the `X-Next` response header is the query of the next page (`limit`, `offset`,
// `search_after`…), `X-Total-Hits` the total. Automation: the body is `{ _links: { next },
// results }`; `next` is a relative URL or a query string; without `_links`, `start` advances by
// the page's length. Either way the next request is the same operation with the cursor's query
// keys replacing the caller's.
import { XdrError } from "./errors.js";
import type { Raw } from "./promise.js";
import { type Cursor, type Internals, internalsOf } from "./internals.js";
import type {
  ArgsOf,
  Operation,
  Page,
  PageItem,
  PagePromise,
  RequestOptions,
  ResultOf,
  Transport,
} from "./types.js";

export type { Cursor };

/** What one iteration has seen: cursors and page fingerprints, and how many pages. */
interface Walk {
  readonly seen: Set<string>;
  pages: number;
  /** Items received so far plus the first offset (the offset fallback). */
  offset?: number;
  /** The server has sent an X-Next: its absence now means the end. */
  linked?: boolean;
}

/** A page's fingerprint: its length and a 53-bit hash of its JSON (cyrb53). */
function fingerprint(items: unknown[]): string {
  const text = JSON.stringify(items);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `page ${items.length} ${(h2 >>> 0).toString(36)}${(h1 >>> 0).toString(36)}`;
}

class Pages<Item> implements PagePromise<Item> {
  readonly #page: Promise<Page<Item>>;
  readonly #maxItems: number;
  constructor(page: Promise<Page<Item>>, maxItems = Infinity) {
    this.#page = page;
    this.#maxItems = maxItems;
  }
  get [Symbol.toStringTag](): string {
    return "Promise";
  }
  then<A = Page<Item>, B = never>(
    onPage?: ((page: Page<Item>) => A | PromiseLike<A>) | null,
    onError?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page.then(onPage, onError);
  }
  catch<B = never>(
    onError?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<Page<Item> | B> {
    return this.#page.catch(onError);
  }
  finally(onFinally?: (() => void) | null): Promise<Page<Item>> {
    return this.#page.finally(onFinally);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Item> {
    let left = this.#maxItems;
    let page = await this.#page;
    for (;;) {
      for (const item of page.items) {
        if (left-- <= 0) return;
        yield item;
      }
      if (left <= 0 || !page.hasNextPage()) return;
      page = await page.nextPage();
    }
  }
}

/**
 * The first page of a paged operation (`op.paging`); `for await` over it yields every item of
 * every page. Iteration ends on the last page, on a cursor seen before (a server that loops),
 * on a page identical to the one before it, or at `options.maxPages` / `options.maxItems`. A
 * free function rather than a transport method, so that bundles without paging leave it out.
 */
export function paginate<O extends Operation>(
  t: Transport,
  op: O,
  args: ArgsOf<O>,
  options?: RequestOptions,
): PagePromise<PageItem<ResultOf<O>>> {
  return pagePromise(internalsOf(t), op, args, options, { seen: new Set(), pages: 0 });
}

function pagePromise<Item>(
  i: Internals,
  op: Operation,
  args: unknown,
  options: RequestOptions | undefined,
  walk: Walk,
  cursor?: Cursor,
): PagePromise<Item> {
  // Pages after the first are bulk work: the low lane under a budget, unless the caller chose.
  const sent = cursor && !options?.priority ? { ...options, priority: "low" as const } : options;
  const page = i.run(() => i.build(op, args, sent, cursor), op, sent).then(toPage);
  return new Pages(page, options?.maxItems);

  function toPage(raw: Raw): Page<Item> {
    const data = raw.data as { results?: unknown; data?: unknown; _links?: { next?: unknown } };
    const headers = raw.response.headers;
    let items = (
      Array.isArray(data)
        ? data
        : Array.isArray(data?.results)
          ? data.results
          : Array.isArray(data?.data)
            ? data.data
            : []
    ) as Item[];
    walk.pages++;
    let next: Cursor | undefined;
    // A page seen before in this iteration (a server that ignores its cursor, or cycles between
    // pages under ever-new cursors) holds nothing new: it ends the iteration, unyielded.
    if (items.length) {
      const print = fingerprint(items);
      if (walk.seen.has(print)) {
        warn("a page repeated one seen before");
        items = [];
      } else walk.seen.add(print);
    }
    if (items.length && op.paging === "ctia") {
      next = cursorOf(headers.get("x-next") ?? "");
      walk.offset ??= Number((args as { offset?: unknown } | undefined)?.offset) || 0;
      walk.offset += items.length;
      if (next) walk.linked = true;
      else if (op.pagingFallback === "offset" && !walk.linked) {
        // A server that sends no X-Next at all (Conure may not): the next page by offset, until
        // an empty one. One that sent X-Next before has simply reached its last page.
        next = {
          query: `offset=${walk.offset}`,
          keys: new Set(["offset", "search_after"]),
          id: `offset=${walk.offset}`,
        };
      }
    } else if (items.length && op.paging === "links") {
      if (data._links && typeof data._links === "object") {
        const link = data._links.next;
        next = typeof link === "string" ? cursorOf(queryOf(link)) : undefined;
      } else {
        // No links: advance `start` by what came back until a page is empty. A page shorter
        // than `limit` is not the end: servers cap their page size below what was asked.
        const a = (args ?? {}) as { start?: unknown };
        const start = (cursor?.start ?? (Number(a.start) || 0)) + items.length;
        next = { query: `start=${start}`, keys: new Set(["start"]), start };
      }
    }
    if (next) {
      const id = next.id ?? next.query;
      if (walk.seen.has(id)) {
        warn("the next-page cursor was seen before");
        next = undefined;
      } else walk.seen.add(id);
    }
    if (next && options?.maxPages !== undefined && walk.pages >= options.maxPages) next = undefined;
    const total = headers.get("x-total-hits");
    return {
      items,
      totalHits: total === null ? undefined : Number(total),
      response: raw.response,
      hasNextPage: () => next !== undefined,
      nextPage() {
        if (!next) throw new XdrError(`${op.name}: there is no next page`);
        return pagePromise(i, op, args, options, walk, next);
      },
    };
  }

  function warn(why: string): void {
    i.logger?.warn?.(`xdr paging stopped: ${why}`, { operation: op.name, pages: walk.pages });
  }
}

/** The query part of `next`: after `?` in a URL, or the whole of a bare query string. */
function queryOf(link: string): string {
  const q = link.indexOf("?");
  if (q >= 0) return link.slice(q + 1).split("#")[0]!;
  return link.includes("=") && !link.includes("/") ? link : "";
}

function cursorOf(query: string): Cursor | undefined {
  const params = new URLSearchParams(query);
  const normal = params.toString();
  if (!normal) return undefined;
  const start = params.get("start");
  // forEach, not keys(): iterating URLSearchParams needs the DOM.Iterable lib in consumers.
  const keys = new Set<string>();
  params.forEach((_, key) => keys.add(key));
  // The same cursor with its keys in another order is the same cursor.
  params.sort();
  return {
    query: normal,
    keys,
    start: start === null ? undefined : Number(start),
    id: params.toString(),
  };
}
