// Paging. CTIA: the `X-Next` response header is the query of the next page (`limit`, `offset`,
// `search_after`…), `X-Total-Hits` the total. Automation: the body is `{ _links: { next },
// results }`; `next` is a relative URL or a query string; without `_links`, `start` advances by
// the page's length. Either way the next request is the same operation with the cursor's query
// keys replacing the caller's.
import { XdrError } from "./errors.js";
import type { Raw } from "./promise.js";
import type { Operation, Page, PagePromise, RequestOptions } from "./types.js";

/** Query of the next page: replaces the caller's keys of the same names. */
export interface Cursor {
  readonly query: string;
  readonly keys: ReadonlySet<string>;
  readonly start?: number;
}

export type Send = (
  op: Operation,
  args: unknown,
  options: RequestOptions | undefined,
  cursor: Cursor | undefined,
) => Promise<Raw>;

interface PageRequest {
  send: Send;
  op: Operation;
  args: unknown;
  options: RequestOptions | undefined;
}

export function pagePromise(req: PageRequest, cursor?: Cursor): PagePromise<unknown> {
  return new Pages(
    req.send(req.op, req.args, req.options, cursor).then((raw) => toPage(req, raw, cursor)),
  );
}

class Pages implements PagePromise<unknown> {
  readonly #page: Promise<Page<unknown>>;
  constructor(page: Promise<Page<unknown>>) {
    this.#page = page;
  }
  get [Symbol.toStringTag](): string {
    return "Promise";
  }
  then<A = Page<unknown>, B = never>(
    onPage?: ((page: Page<unknown>) => A | PromiseLike<A>) | null,
    onError?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.#page.then(onPage, onError);
  }
  catch<B = never>(
    onError?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<Page<unknown> | B> {
    return this.#page.catch(onError);
  }
  finally(onFinally?: (() => void) | null): Promise<Page<unknown>> {
    return this.#page.finally(onFinally);
  }
  async *[Symbol.asyncIterator](): AsyncIterator<unknown> {
    let page = await this.#page;
    for (;;) {
      yield* page.items;
      if (!page.hasNextPage()) return;
      page = await page.nextPage();
    }
  }
}

class PageImpl implements Page<unknown> {
  readonly items: unknown[];
  readonly totalHits?: number;
  readonly response: Response;
  readonly #req: PageRequest;
  readonly #next: Cursor | undefined;
  constructor(req: PageRequest, raw: Raw, items: unknown[], next: Cursor | undefined) {
    const total = raw.response.headers.get("x-total-hits");
    this.items = items;
    this.totalHits = total === null ? undefined : Number(total);
    this.response = raw.response;
    this.#req = req;
    this.#next = next;
  }
  hasNextPage(): boolean {
    return this.#next !== undefined;
  }
  nextPage(): PagePromise<unknown> {
    if (!this.#next) throw new XdrError(`${this.#req.op.name}: there is no next page`);
    return pagePromise(this.#req, this.#next);
  }
}

function toPage(req: PageRequest, raw: Raw, cursor: Cursor | undefined): Page<unknown> {
  const data = raw.data as { results?: unknown; data?: unknown; _links?: { next?: unknown } };
  const items = (
    Array.isArray(data)
      ? data
      : Array.isArray(data?.results)
        ? data.results
        : Array.isArray(data?.data)
          ? data.data
          : []
  ) as unknown[];
  let next: Cursor | undefined;
  if (items.length && req.op.paging === "ctia") {
    next = cursorOf(raw.response.headers.get("x-next") ?? "", cursor);
  } else if (items.length && req.op.paging === "links") {
    if (data._links && typeof data._links === "object") {
      const link = data._links.next;
      next = typeof link === "string" ? cursorOf(queryOf(link), cursor) : undefined;
    } else {
      // No links: advance `start` while pages come back full.
      const a = (req.args ?? {}) as { start?: unknown; limit?: unknown };
      const limit = Number(a.limit);
      const start = (cursor?.start ?? (Number(a.start) || 0)) + items.length;
      if (!(limit > items.length)) {
        next = { query: `start=${start}`, keys: new Set(["start"]), start };
      }
    }
  }
  return new PageImpl(req, raw, items, next);
}

/** The query part of `next`: after `?` in a URL, or the whole of a bare query string. */
function queryOf(link: string): string {
  const q = link.indexOf("?");
  if (q >= 0) return link.slice(q + 1).split("#")[0]!;
  return link.includes("=") && !link.includes("/") ? link : "";
}

function cursorOf(query: string, previous: Cursor | undefined): Cursor | undefined {
  const params = new URLSearchParams(query);
  const normal = params.toString();
  // Stop on an empty cursor, and on one that repeats (a server bug must not loop forever).
  if (!normal || normal === previous?.query) return undefined;
  const start = params.get("start");
  // forEach, not keys(): iterating URLSearchParams needs the DOM.Iterable lib in consumers.
  const keys = new Set<string>();
  params.forEach((_, key) => keys.add(key));
  return {
    query: normal,
    keys,
    start: start === null ? undefined : Number(start),
  };
}
