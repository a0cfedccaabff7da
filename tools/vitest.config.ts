import { defineConfig } from 'vitest/config';
import { workspaceSource } from '../vitest.shared.ts';

export default defineConfig({
  ...workspaceSource,
  test: { ...workspaceSource.test, name: 'tools', include: ['src/**/*.test.ts'], testTimeout: 60_000 },
});
