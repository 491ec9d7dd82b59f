import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Compiling type-checks generated code and the training tests train for real.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
