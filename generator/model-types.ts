// The model's types: the plain data stage 2 (model.ts) builds from a spec and stage 3 (render)
// prints. Declarations only, apart from buildModel, so that the modules that build parts of the
// model (model-operation.ts, model-api.ts…) can name them without an import cycle.
import type { RateLimit, RegionMap } from "./config.js";
import type { OpenApiDocument } from "./load.js";
import type { AuthScheme, SchemeDoc } from "./security.js";
import type { ServerDoc } from "./servers.js";

export type ArgStyle = "none" | "flat" | "body" | "split";
export type BodyEncoding = "json" | "form" | "multipart" | "text" | "binary";
/** How a query value is written besides the default (see the runtime's `QueryStyle`). */
export type QueryStyle = "comma" | "space" | "pipe" | "deepObject" | "json";
export type ResponseEncoding = "json" | "text" | "binary" | "none";

export interface OperationModel {
  /** `enrich.observe` */
  name: string;
  /** Identifier of the exported descriptor: `enrichObserve`. */
  constName: string;
  /** Last segment of the name: `observe`. */
  methodName: string;
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
  description?: string;
  deprecated: boolean;
  pathParams: string[];
  queryParams: string[];
  /**
   * Query parameters not written `style: form, explode: true` (the default): name and style
   * pairs, not an object keyed by spec text (a parameter may be named `__proto__`).
   */
  queryStyles?: [string, QueryStyle][];
  headerParams: string[];
  args: ArgStyle;
  argsOptional: boolean;
  body?: BodyEncoding;
  /** A JSON body's media type, when not `application/json`. */
  contentType?: string;
  response: ResponseEncoding;
  scopes: string[];
  /**
   * When the spec offers alternatives with nothing in common (`a` or `b`): the sets, any one of
   * which suffices. `scopes` is then empty.
   */
  anyScopes?: string[][];
  auth: boolean;
  /**
   * Standalone: the schemes this operation accepts (indexes into the API's `auth`; -1: none
   * needed; a list: all of them at once), when not all of them in order.
   */
  schemes?: (number | number[])[];
  safe: boolean;
  paging?: "ctia" | "links";
  /** `x-xdr-pagination-fallback: offset`: without `X-Next`, the next page is `offset` + items. */
  pagingFallback?: "offset";
  rateLimit?: RateLimit;
  /** JSON pointer of the operation in the spec, for messages. */
  pointer: string;
  /** Why the name differs from what the spec suggests (a reserved word), for the docs. */
  nameNote?: string;
}

export interface GroupModel {
  /** The dotted segment, e.g. `enrich`; empty for the root. */
  name: string;
  operations: OperationModel[];
  groups: GroupModel[];
}

export interface ApiModel {
  name: string;
  title: string;
  version: string;
  description?: string;
  servers: RegionMap;
  tokenUrls?: RegionMap;
  operations: OperationModel[];
  /** The operations arranged by the dots in their names; the root group has no name. */
  root: GroupModel;
  /**
   * The document the operations describe, with path parameters renamed to identifiers
   * (`{incident-id}` → `{incident_id}`, generator/path-params.ts): types and targets are built
   * from it, so that they agree with the operations' paths and parameter names.
   */
  document: OpenApiDocument;
  /** Names of the operations behind `start(…, { wait: true })`, if configured. */
  workflowRun?: { start: OperationModel; getInstance: OperationModel };
  /**
   * A standalone client (`style: "generic"`): no regions, no scope checks; its base URL, the
   * servers and variables the spec lists, and its auth schemes. Absent for XDR APIs.
   */
  generic?: {
    baseUrl: string;
    servers: ServerDoc[];
    auth: AuthScheme[];
    schemes: SchemeDoc[];
    /** Some operation takes no credentials: a client without any is usable. */
    anonymous: boolean;
  };
}
