import { configDefaults, defineConfig } from 'vitest/config';

// Three projects so that the real API server (test/testenv/) starts only when the selected test
// files include some under test/kube/ (and Cluster API only for test/capi/): vitest runs a
// project's globalSetup only then.
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
          exclude: [...configDefaults.exclude, 'test/kube/**', 'test/capi/**'],
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
      {
        extends: true,
        test: {
          name: 'capi',
          include: ['test/capi/**/*.test.ts'],
          // An API server of its own with Cluster API's managers on it (test/testenv/capi.ts).
          globalSetup: ['test/testenv/capi-setup.ts'],
          // Last: Cluster API's managers and the workload clusters they provision share two cores.
          sequence: { groupOrder: 2 },
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
