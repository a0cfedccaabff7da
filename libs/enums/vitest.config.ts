import { defineConfig } from 'vitest/config';

// Unit tests only: the enums lib has no database and must not depend on the
// test harness (that would pull drivers into its graph).
export default defineConfig({
  test: { name: 'enums', include: ['src/**/*.test.ts'] },
});
