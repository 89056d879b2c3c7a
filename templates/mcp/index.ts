// Embedding the server in another program: `createContext` + `createServer`, any transport.
export {
  createContext,
  hiddenBecause,
  inToolsets,
  type Context,
  type Settings,
} from "./context.js";
export { createServer, listTools, SERVER_NAME } from "./server.js";
export { loadCatalog, type Catalog, type OperationEntry } from "./catalog.js";
export { configFromEnv, type EnvConfig } from "./env.js";
export { settingsFrom, startHttp } from "./main.js";
