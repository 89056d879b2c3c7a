// Configuration from the environment: which variables set which options, explicit options win,
// one error naming both the option and the variable when credentials are missing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { consoleLogger, requireCredentials, withEnvironment } from "../../templates/runtime/env.js";
import { ConfigurationError } from "../../templates/runtime/errors.js";
import type { XdrOptions } from "../../templates/runtime/types.js";

afterEach(() => void vi.restoreAllMocks());

describe("withEnvironment", () => {
  it.each<[string, { env: Record<string, string>; explicit?: XdrOptions; want: XdrOptions }]>([
    [
      "credentials and region",
      {
        env: { XDR_CLIENT_ID: "id", XDR_CLIENT_SECRET: "s", XDR_REGION: "eu" },
        want: { clientId: "id", clientSecret: "s", region: "eu" },
      },
    ],
    [
      "base URLs per API and the token URL",
      {
        env: {
          XDR_BASE_URL_IROH: "http://127.0.0.1:1",
          XDR_BASE_URL_GLOBAL_INTEL: "http://127.0.0.1:2",
          XDR_TOKEN_URL: "http://127.0.0.1:1/t",
        },
        want: {
          baseUrls: {
            iroh: "http://127.0.0.1:1",
            globalIntel: "http://127.0.0.1:2",
            token: "http://127.0.0.1:1/t",
          },
        },
      },
    ],
    [
      "explicit options win, base URLs merged per API",
      {
        env: { XDR_CLIENT_ID: "env-id", XDR_REGION: "eu", XDR_BASE_URL_IROH: "http://127.0.0.1:1" },
        explicit: { clientId: "mine", baseUrls: { ctia: "http://127.0.0.1:3" } },
        want: {
          clientId: "mine",
          region: "eu",
          baseUrls: { iroh: "http://127.0.0.1:1", ctia: "http://127.0.0.1:3" },
        },
      },
    ],
    ["empty variables are ignored", { env: { XDR_CLIENT_ID: "" }, want: {} }],
    ["an access token", { env: { XDR_ACCESS_TOKEN: "tok" }, want: { accessToken: "tok" } }],
  ])("%s", (_title, { env, explicit, want }) => {
    expect(withEnvironment(explicit, env)).toEqual(want);
  });

  it("XDR_LOG=debug turns on a logger that writes to stderr", () => {
    const o = withEnvironment({}, { XDR_LOG: "debug" });
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    o.logger!.debug("xdr request", { status: 200 });
    expect(spy).toHaveBeenCalledWith('[xdr-sdk] debug xdr request {"status":200}');
  });

  it("an explicit logger wins over XDR_LOG", () => {
    const logger = consoleLogger();
    expect(withEnvironment({ logger }, { XDR_LOG: "debug" }).logger).toBe(logger);
  });

  it("refuses an unknown XDR_LOG value", () => {
    expect(() => withEnvironment({}, { XDR_LOG: "loud" })).toThrow(ConfigurationError);
  });
});

describe("requireCredentials", () => {
  it.each<[string, XdrOptions, string | undefined]>([
    ["both given", { clientId: "a", clientSecret: "b" }, undefined],
    ["an access token", { accessToken: "t" }, undefined],
    [
      "none",
      {},
      "clientId (XDR_CLIENT_ID) and clientSecret (XDR_CLIENT_SECRET) are missing: pass the option or set the environment variable (or pass accessToken / set XDR_ACCESS_TOKEN)",
    ],
    [
      "the secret",
      { clientId: "a" },
      "clientSecret (XDR_CLIENT_SECRET) is missing: pass the option or set the environment variable (or pass accessToken / set XDR_ACCESS_TOKEN)",
    ],
  ])("%s", (_title, options, message) => {
    if (message === undefined) expect(() => requireCredentials(options)).not.toThrow();
    else expect(() => requireCredentials(options)).toThrow(new ConfigurationError(message));
  });
});
