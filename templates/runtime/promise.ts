// `ApiPromise`: awaits to the success body; `.withResponse()` gives the Response too. It wraps
// one promise of `{ data, response }` and derives the others only when asked, so an unused
// branch can never become an unhandled rejection.
import { rateLimitOf, requestIdOf } from "./errors.js";
import type { ApiPromise, WithResponse } from "./types.js";

/** What the transport resolves to. */
export interface Raw {
  data: unknown;
  response: Response;
}

const dataOf = (r: Raw): unknown => r.data;

class Api<T> implements ApiPromise<T> {
  readonly #raw: Promise<Raw>;
  constructor(raw: Promise<Raw>) {
    this.#raw = raw;
  }
  get [Symbol.toStringTag](): string {
    return "Promise";
  }
  withResponse(): Promise<WithResponse<T>> {
    return this.#raw.then(({ data, response }) => ({
      data: data as T,
      response,
      requestId: requestIdOf(response.headers),
      rateLimit: rateLimitOf(response.headers),
    }));
  }
  then<A = T, B = never>(
    onData?: ((value: T) => A | PromiseLike<A>) | null,
    onError?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return (this.#raw.then(dataOf) as Promise<T>).then(onData, onError);
  }
  catch<B = never>(onError?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<T | B> {
    return this.then(undefined, onError);
  }
  finally(onFinally?: (() => void) | null): Promise<T> {
    return this.then().finally(onFinally);
  }
}

export function apiPromise<T>(raw: Promise<Raw>): ApiPromise<T> {
  return new Api<T>(raw);
}
