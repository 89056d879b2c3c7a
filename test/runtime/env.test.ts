// Configuration from the environment: which variables set which options, explicit options win,
// one error naming both the option and the variable when credentials are missing.
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  checkBaseUrlNames,
  consoleLogger,
  requireCredentials,
  withEnvironment,
} from "../../templates/runtime/env.js";
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
    [
      "explicit client credentials replace the environment's access token",
      {
        env: { XDR_ACCESS_TOKEN: "stale", XDR_CLIENT_SECRET: "env-s" },
        explicit: { clientId: "id" },
        want: { clientId: "id", clientSecret: "env-s" },
      },
    ],
    [
      "an explicit access token replaces the environment's client id and secret",
      {
        env: { XDR_CLIENT_ID: "env-id", XDR_CLIENT_SECRET: "env-s" },
        explicit: { accessToken: "tok" },
        want: { accessToken: "tok" },
      },
    ],
    [
      "an option passed as undefined is not given: the environment's stays",
      {
        env: {
          XDR_REGION: "eu",
          XDR_CLIENT_SECRET: "env-s",
          XDR_BASE_URL_IROH: "http://127.0.0.1:1",
        },
        explicit: { region: undefined, clientSecret: undefined, baseUrls: { iroh: undefined } },
        want: { region: "eu", clientSecret: "env-s", baseUrls: { iroh: "http://127.0.0.1:1" } },
      },
    ],
    ["XDR_LOG=info, warn or error: warnings only", { env: { XDR_LOG: "off" }, want: {} }],
  ])("%s", (_title, { env, explicit, want }) => {
    expect(withEnvironment(explicit, env)).toEqual(want);
  });

  const APIS = ["iroh", "ctia", "globalIntel", "conure", "automation"];

  it("XDR_BASE_URL_GLOBAL_INTEL and XDR_BASE_URL_GLOBALINTEL both name globalIntel", () => {
    for (const name of ["XDR_BASE_URL_GLOBAL_INTEL", "XDR_BASE_URL_GLOBALINTEL"]) {
      expect(withEnvironment({}, { [name]: "http://127.0.0.1:2" }, APIS).baseUrls).toEqual({
        globalIntel: "http://127.0.0.1:2",
      });
    }
  });

  it("refuses an XDR_BASE_URL_ variable that names no API, naming the variable", () => {
    expect(() => withEnvironment({}, { XDR_BASE_URL_GLOBL: "http://127.0.0.1:2" }, APIS)).toThrow(
      /^XDR_BASE_URL_GLOBL names no API of this package: use XDR_BASE_URL_ with IROH, CTIA, GLOBAL_INTEL, CONURE, AUTOMATION$/,
    );
  });

  it("refuses a baseUrls key that names no API", () => {
    expect(() =>
      checkBaseUrlNames({ baseUrls: { globalintel: "http://127.0.0.1:2" } }, APIS),
    ).toThrow(
      new ConfigurationError(
        "baseUrls.globalintel names no API of this package: use iroh, ctia, globalIntel, conure, automation, token",
      ),
    );
    expect(() =>
      checkBaseUrlNames({ baseUrls: { token: "http://127.0.0.1:2/t" } }, APIS),
    ).not.toThrow();
  });

  it("explicit options work when the environment may not be read (Deno without --allow-env)", () => {
    const denied = new Proxy<Record<string, string>>(
      {},
      {
        get: () => {
          throw new Error('NotCapable: Requires env access to "XDR_CLIENT_ID"');
        },
        ownKeys: () => {
          throw new Error("NotCapable: Requires env access");
        },
      },
    );
    expect(withEnvironment({ clientId: "id", clientSecret: "s" }, denied, APIS)).toEqual({
      clientId: "id",
      clientSecret: "s",
    });
  });

  it("reads each API's base URL by name when the environment cannot be listed", () => {
    const env: Record<string, string> = { XDR_BASE_URL_GLOBAL_INTEL: "http://127.0.0.1:2" };
    const partial = new Proxy(env, {
      ownKeys: () => {
        throw new Error("NotCapable: Requires env access");
      },
    });
    expect(withEnvironment({}, partial, APIS).baseUrls).toEqual({
      globalIntel: "http://127.0.0.1:2",
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ["XDR_REGION not a region", { XDR_REGION: "europe" }, /^XDR_REGION="europe" is not a region/],
    [
      "XDR_BASE_URL_IROH cleartext to a remote host",
      { XDR_BASE_URL_IROH: "http://gw.example.com" },
      /^XDR_BASE_URL_IROH \(baseUrls\.iroh\) is cleartext http:\/\/ to gw\.example\.com/,
    ],
    [
      "XDR_TOKEN_URL not a URL",
      { XDR_TOKEN_URL: "not a url" },
      /^XDR_TOKEN_URL \(baseUrls\.token\) must be an absolute http\(s\) URL$/,
    ],
  ])("a bad value from the environment is refused naming the variable: %s", (_t, env, message) => {
    expect(() => withEnvironment({}, env, APIS)).toThrow(ConfigurationError);
    expect(() => withEnvironment({}, env, APIS)).toThrow(message);
  });

  it("a bad XDR_BASE_URL_ under an explicit baseUrls entry is not read", () => {
    const o = withEnvironment(
      { baseUrls: { iroh: "https://gw.example.com" } },
      { XDR_BASE_URL_IROH: "http://gw.example.com" },
      APIS,
    );
    expect(o.baseUrls).toEqual({ iroh: "https://gw.example.com" });
  });

  it("XDR_REGION ignores case and spaces; a blank variable is unset", () => {
    expect(withEnvironment({}, { XDR_REGION: " EU " }).region).toBe("eu");
    const o = withEnvironment({}, { XDR_CLIENT_ID: "  ", XDR_CLIENT_SECRET: "s" });
    expect(o.clientId).toBeUndefined();
    expect(() => requireCredentials(o)).toThrow(/^clientId \(XDR_CLIENT_ID\) is missing/);
  });

  it("XDR_REGION unreadable while other XDR_ variables are (Deno, a partial --allow-env): refused unless region is passed", () => {
    const env = new Proxy<Record<string, string>>(
      { XDR_CLIENT_ID: "id", XDR_CLIENT_SECRET: "s" },
      {
        get: (target, name: string) => {
          if (name === "XDR_REGION")
            throw new Error('NotCapable: Requires env access to "XDR_REGION"');
          return target[name];
        },
      },
    );
    expect(() => withEnvironment({}, env, APIS)).toThrow(
      /^XDR_REGION may not be read \(Deno: add it to --allow-env\)/,
    );
    expect(withEnvironment({ region: "eu" }, env, APIS)).toMatchObject({
      clientId: "id",
      region: "eu",
    });
  });

  it.each(["info", "warn", "ERROR"])("XDR_LOG=%s logs warnings, not debug lines", (value) => {
    const o = withEnvironment({}, { XDR_LOG: value });
    const spy = vi.spyOn(console, "error").mockImplementation(() => undefined);
    o.logger!.debug("xdr request", { status: 200 });
    o.logger!.warn!("xdr paging stopped", { pages: 3 });
    expect(spy.mock.calls).toEqual([['[xdr-sdk] warn xdr paging stopped {"pages":3}']]);
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
