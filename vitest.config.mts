import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // Synthesizing a stack loads the provider bindings once per file; keep files in parallel workers.
    pool: "forks",
    testTimeout: 60_000,
  },
});
