// `asOpenapiFetch(client.raw)`: the raw client typed with openapi-fetch's own `Client`, for code
// and libraries written against that type (openapi-react-query, swr-openapi, `MethodResponse`).
// Its own entry point, `<package>/openapi-fetch`, never re-exported by the runtime's index:
// openapi-fetch's declaration file costs a full type-check ~150k instantiations (raw-client.ts),
// which only a project that needs its types should pay.
import type { Client } from "openapi-fetch";
import type { RawClient } from "./raw-client.js";

/**
 * `client.raw` typed as openapi-fetch's `Client<Paths>`: the same object (`client.raw` is
 * openapi-fetch's client), only its type changes. TypeScript cannot relate the two copies of
 * the client's generic signatures, so an assignment without this function fails.
 *
 * @example
 * import { asOpenapiFetch } from "xdr-sdk/openapi-fetch";
 * const client = asOpenapiFetch(xdr.iroh.raw); // Client<paths> from "openapi-fetch"
 */
export function asOpenapiFetch<Paths extends object>(raw: RawClient<Paths>): Client<Paths> {
  return raw as unknown as Client<Paths>;
}
