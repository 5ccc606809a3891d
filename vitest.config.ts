import { configDefaults, defineConfig } from 'vitest/config';

// Two projects so that the real API server (test/testenv/) starts only when the selected test
// files include some under test/kube/: vitest runs a project's globalSetup only then.
export default defineConfig({
  test: {
    testTimeout: 30_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/kube/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'kube',
          include: ['test/kube/**/*.test.ts'],
          globalSetup: ['test/testenv/global-setup.ts'],
          // After the unit tests, by when the API server (started before them) is ready.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
