// The scopes granted to the API client, read from one token response at start-up, so that tools
// the client cannot use are not offered. A failure leaves every tool visible (the SDK's own scope
// check still refuses a call before sending it).
import type { Catalog } from "./catalog.js";
import type { EnvConfig } from "./env.js";

export function tokenUrlOf(catalog: Catalog, env: EnvConfig): string | undefined {
  const urls = env.options.baseUrls ?? {};
  if (urls.token) return urls.token;
  if (urls.iroh) return `${urls.iroh.replace(/\/+$/, "")}/iroh/oauth2/token`;
  const region = env.options.region ?? "us";
  return catalog.tokenUrls?.[region];
}

export async function grantedScopes(
  catalog: Catalog,
  env: EnvConfig,
  log: (message: string) => void,
): Promise<string[] | undefined> {
  const url = tokenUrlOf(catalog, env);
  const { clientId, clientSecret } = env.options;
  if (!url || !clientId || !clientSecret) return undefined;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        authorization: "Basic " + Buffer.from(`${clientId}:${clientSecret}`).toString("base64"),
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: "grant_type=client_credentials",
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) {
      log(
        `could not read the granted scopes (token endpoint answered ${response.status}); showing every tool`,
      );
      return undefined;
    }
    const body = (await response.json()) as { scope?: unknown };
    const list = typeof body.scope === "string" ? body.scope.split(/\s+/).filter(Boolean) : [];
    return list.length ? list : undefined;
  } catch (e) {
    log(`could not read the granted scopes (${(e as Error).name}); showing every tool`);
    return undefined;
  }
}
