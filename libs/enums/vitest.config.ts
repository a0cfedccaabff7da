import { defineConfig } from 'vitest/config';
import { workspaceSource } from '../../vitest.shared.ts';

// Unit tests only: the enums lib has no database and must not depend on the
// test harness (that would pull drivers into its graph).
export default defineConfig({
  ...workspaceSource,
  test: { ...workspaceSource.test, name: 'enums', include: ['src/**/*.test.ts'] },
});
