// The runtime's public surface.
export type * from "./types.js";
export {
  XdrError,
  ConfigurationError,
  UsageError,
  ConnectionError,
  TimeoutError,
  AbortError,
  ResponseTooLargeError,
  MissingScopeError,
  ApiError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  ServerError,
  ERROR_BODY_BYTES,
} from "./errors.js";
export type { ApiErrorInit } from "./errors.js";
export { createTransport } from "./transport.js";
export { consoleLogger } from "./env.js";
export { proxyFromEnvironment } from "./proxy.js";
export { paginate } from "./pagination.js";
export { rawClientOf, transportFetch, rawPathSerializer, rawQuerySerializer } from "./raw.js";
export type { RawClient } from "./raw-client.js";
export { clearTokenCache } from "./token.js";
export { scopeCovers, missingScopes } from "./scopes.js";
// @workflow: Automation's workflow waits; left out of a package none of whose APIs has a
// workflowRun (generator/runtime-files.ts).
export { startWorkflowAndWait, waitableStart, runState } from "./workflow.js";
export { WorkflowRunError } from "./errors.js";
// @end
// @xdr: Cisco XDR only; left out of standalone packages (generator/runtime-files.ts).
export { withEnvironment, requireCredentials, checkBaseUrlNames, ENVIRONMENT } from "./env.js";
export { verdicts, targets, investigateUrl } from "./helpers.js";
export type {
  InspectDep,
  DeliberateDep,
  ObserveDep,
  ModuleRef,
  ModuleError,
  ValidTime,
  VerdictItem,
  VerdictsResult,
  SightingTarget,
  ModuleTargets,
  TargetsResult,
} from "./helpers.js";
// @end
