import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["test/support/loopback-no-proxy.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Generator tests spawn tsc and child processes: two cores, keep the pool small.
    pool: "forks",
    maxWorkers: 2,
    dangerouslyIgnoreUnhandledErrors: false,
  },
});
