// The raw client hands error answers back as data (`{ error, response }`), not as an `ApiError`;
// they are logged as readily, so they are scrubbed the same way: body (a bounded excerpt) and
// headers, in every encoding. Success bodies are the caller's data and stream as they are.
import { describe, expect, it } from "vitest";
import { createTransport } from "../../templates/runtime/transport.js";
import { ERROR_BODY_BYTES } from "../../templates/runtime/bodies.js";
import { irohApi } from "../runtime/harness.js";
import { encodings, leaks, plainServer, rawClient } from "./servers.js";

const TOKEN_VALUE = "tok-RAW-abcdef0123456789";
const SECRET = "raw-client-S3cret-0123456789";

async function withServer(
  handler: Parameters<typeof plainServer>[0],
  test: (url: string) => Promise<void>,
): Promise<void> {
  const srv = await plainServer(handler);
  try {
    await test(srv.url);
  } finally {
    await srv.close();
  }
}

const raw = (url: string) =>
  rawClient(
    createTransport(irohApi(), {
      clientId: "raw-client",
      clientSecret: SECRET,
      baseUrls: { iroh: url },
      maxRetries: 0,
    }),
  );

/** A token endpoint, and an API that echoes what it was sent in every encoding. */
function echoing(status: number) {
  return (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => {
    if (req.url === "/iroh/oauth2/token") {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ access_token: TOKEN_VALUE, expires_in: 600 }));
      return;
    }
    const auth = req.headers.authorization ?? "";
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    res.setHeader("x-echo", auth);
    res.end(
      JSON.stringify({
        error: "invalid_token",
        error_description: `got ${auth}`,
        forms: [...Object.values(encodings(TOKEN_VALUE)), ...Object.values(encodings(SECRET))],
      }),
    );
  };
}

describe("raw client: error answers are scrubbed", () => {
  it.each([400, 401, 403, 404, 409, 422, 500])(
    "HTTP %i: no token or secret in error or headers",
    async (status) => {
      await withServer(echoing(status), async (url) => {
        const { data, error, response } = await raw(url).GET("/iroh/iroh-int/module-type", {});
        expect(data).toBeUndefined();
        expect(response.status).toBe(status);
        const seen = JSON.stringify(error) + [...response.headers].join("\n");
        expect(leaks(seen, TOKEN_VALUE)).toEqual([]);
        expect(leaks(seen, SECRET)).toEqual([]);
        expect((error as { error: string }).error).toBe("invalid_token");
        expect(response.url).toBe(url + "/iroh/iroh-int/module-type");
      });
    },
  );

  it("keeps a bounded excerpt of a large error body", async () => {
    await withServer(
      (req, res) => {
        if (req.url === "/iroh/oauth2/token") {
          res.end(JSON.stringify({ access_token: TOKEN_VALUE, expires_in: 600 }));
          return;
        }
        res.statusCode = 500;
        res.end("x".repeat(ERROR_BODY_BYTES * 4));
      },
      async (url) => {
        const { error } = await raw(url).GET("/iroh/iroh-int/module-type", {});
        expect(typeof error).toBe("string");
        expect((error as string).length).toBe(ERROR_BODY_BYTES + 1);
      },
    );
  });

  it("leaves a success body as the server sent it", async () => {
    await withServer(
      (req, res) => {
        res.setHeader("content-type", "application/json");
        if (req.url === "/iroh/oauth2/token") {
          res.end(JSON.stringify({ access_token: TOKEN_VALUE, expires_in: 600 }));
          return;
        }
        res.end(JSON.stringify({ mine: TOKEN_VALUE }));
      },
      async (url) => {
        const { data } = await raw(url).GET("/iroh/iroh-int/module-type", {});
        expect(data).toEqual({ mine: TOKEN_VALUE });
      },
    );
  });
});
