// Broken proxies: one that closes the connection without answering CONNECT, one that never
// answers. undici (7.x) retries the first at once and for ever, at full CPU, after the call has
// failed, and waits 300 s on the second, keeping the process alive: proxy.ts's tunnel client turns
// both into a ConnectionError that ends the tunnel. Every server here listens on 127.0.0.1.
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import * as undici from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ConnectionError, createIrohClient } from "../../generated/src/iroh/index.js";
import { type Dispatcher, type Undici, proxyRouter } from "../../templates/runtime/proxy.js";

let behaviour: "close" | "silent" = "close";
let connections = 0;
const sockets = new Set<Socket>();
let proxy: Server;
let proxyUrl: string;
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  proxy = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("error", () => {});
    // "close": read the CONNECT, then hang up without a word; "silent": read it, never answer.
    socket.once("data", () => {
      if (behaviour === "close") socket.destroy();
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.destroy()));
  for (const s of sockets) s.destroy();
  sockets.clear();
  connections = 0;
});

afterAll(() => new Promise((resolve) => proxy.close(resolve)));

function client(tunnelTimeoutMs?: number) {
  const dispatcher = proxyRouter(
    undici as unknown as Undici,
    { httpsProxy: proxyUrl, httpProxy: proxyUrl },
    undefined,
    tunnelTimeoutMs,
  );
  dispatchers.push(dispatcher);
  return createIrohClient({
    accessToken: "token-proxy-broken",
    // A name only a proxy could resolve: the tunnel is the only way out.
    baseUrl: "https://xdr-api.test",
    maxRetries: 0,
    timeoutMs: 60_000,
    dispatcher,
  });
}

describe("a proxy that breaks the tunnel", () => {
  it("closes without answering CONNECT: one ConnectionError that says so, and no reconnect loop", async () => {
    behaviour = "close";
    const error = await client()
      .inspect({ content: "1.2.3.4" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain(
      "the proxy closed the connection without answering CONNECT",
    );
    // The bug reconnected hundreds of times a second; after the error, nothing more is tried.
    const seen = connections;
    await sleep(100);
    expect(connections).toBe(seen);
    expect(seen).toBeLessThanOrEqual(2);
  });

  it("never answers CONNECT: the tunnel gives up (the call's own timeout is far off)", async () => {
    behaviour = "silent";
    const error = await client(200)
      .inspect({ content: "1.2.3.4" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toContain("the proxy did not answer CONNECT");
  });
});
