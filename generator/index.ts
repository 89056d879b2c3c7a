// The package's entry point: `import { generate, check } from "xdr-codegen"`. Re-exports only;
// importing it reads no file and starts nothing.
export { check, checkPackageName, generate } from "./api.js";
export type { CheckResult, CommonOptions, GenerateOptions, GenerateResult } from "./api.js";
export { BadInputError, type Place } from "./errors.js";
