/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  // The serialized provider reaches the package's modules by its own name (see src/provider/shim.ts);
  // inside this repository that name means the sources.
  moduleNameMapper: { "^pulumi-cce-kubeconfig/(.*)$": "<rootDir>/src/$1", "^pulumi-cce-kubeconfig$": "<rootDir>/src/index.ts" },
  setupFiles: ["<rootDir>/test/setup/capture-console.ts"],
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  testTimeout: 60_000,
};
