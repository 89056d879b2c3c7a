// Configuration from the environment only: credentials never travel on a command line (where
// `ps` shows them) nor in an MCP client's tool arguments.
import type { XdrOptions } from "xdr-sdk";

export interface EnvConfig {
  readonly options: XdrOptions;
  /** Values to scrub from anything printed or returned. */
  readonly secrets: readonly string[];
  /** Why a call cannot be made (missing credentials…); empty when it can. */
  readonly problems: readonly string[];
}

const REGIONS = ["us", "eu", "apjc"];

/**
 * `XDR_CLIENT_ID`, `XDR_CLIENT_SECRET` (or `XDR_ACCESS_TOKEN`), `XDR_REGION` (us | eu | apjc), `XDR_BASE_URL_<API>`
 * (e.g. `XDR_BASE_URL_IROH`, for a proxy or a simulator), `XDR_TOKEN_URL`, `XDR_TIMEOUT_MS`.
 */
export function configFromEnv(
  apis: readonly string[],
  env: Record<string, string | undefined> = process.env,
): EnvConfig {
  const problems: string[] = [];
  const clientId = env.XDR_CLIENT_ID?.trim();
  const clientSecret = env.XDR_CLIENT_SECRET?.trim();
  // A token obtained elsewhere replaces the client credentials (no refresh, no scope list).
  const accessToken = env.XDR_ACCESS_TOKEN?.trim() || undefined;
  if (!accessToken && !clientId) problems.push("XDR_CLIENT_ID is not set");
  if (!accessToken && !clientSecret) problems.push("XDR_CLIENT_SECRET is not set");
  const region = env.XDR_REGION?.trim().toLowerCase() || undefined;
  if (region && !REGIONS.includes(region)) {
    problems.push(`XDR_REGION must be one of ${REGIONS.join(", ")}`);
  }
  const baseUrls: Record<string, string> = {};
  for (const api of apis) {
    // `globalIntel` → XDR_BASE_URL_GLOBAL_INTEL (or XDR_BASE_URL_GLOBALINTEL).
    const snake = api.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
    const url = (env[`XDR_BASE_URL_${snake}`] ?? env[`XDR_BASE_URL_${api.toUpperCase()}`])?.trim();
    if (url) baseUrls[api] = url;
  }
  const tokenUrl = env.XDR_TOKEN_URL?.trim();
  if (tokenUrl) baseUrls.token = tokenUrl;
  const timeout = Number(env.XDR_TIMEOUT_MS);
  const options: XdrOptions = {
    ...(clientId ? { clientId } : {}),
    ...(clientSecret ? { clientSecret } : {}),
    ...(accessToken ? { accessToken } : {}),
    ...(region && REGIONS.includes(region) ? { region: region as XdrOptions["region"] } : {}),
    ...(Object.keys(baseUrls).length ? { baseUrls } : {}),
    ...(Number.isFinite(timeout) && timeout > 0 ? { timeoutMs: timeout } : {}),
  };
  const secrets = [clientSecret, accessToken].filter((x): x is string => x !== undefined);
  return { options, secrets, problems };
}

/** Removes every secret (and its Base64 / URL-encoded forms) from a text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of [
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString("base64"),
    ]) {
      out = out.split(form).join("[redacted]");
    }
  }
  // Bearer tokens and Basic credentials, whoever quoted them.
  return out.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, "$1 [redacted]");
}
