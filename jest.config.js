const { existsSync } = require("node:fs");
const path = require("node:path");

/**
 * With CCE_TEST_PULUMI_SDK (set by scripts/test-node22.sh), the sources and tests run against that
 * @pulumi/pulumi, installed beside the repository in .tools/pulumi-sdk-<version>, instead of the
 * devDependency (test/setup/pulumi-sdk-resolver.js); the program folders get the same version
 * (scripts/engine/program.js).
 */
function pulumiSdkResolver() {
  const version = process.env.CCE_TEST_PULUMI_SDK;
  if (!version) return {};
  const manifest = path.join(__dirname, ".tools", `pulumi-sdk-${version}`, "node_modules", "@pulumi", "pulumi", "package.json");
  if (!existsSync(manifest)) {
    throw new Error(`CCE_TEST_PULUMI_SDK=${version}, but ${manifest} is missing: run the suite through npm run test:node22`);
  }
  return { resolver: "<rootDir>/test/setup/pulumi-sdk-resolver.js" };
}

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json", diagnostics: { warnOnly: false } }] },
  // The serialized provider reaches the package's modules by its own name (see src/provider/shim.ts);
  // inside this repository that name means the sources.
  moduleNameMapper: {
    "^pulumi-cce-kubeconfig/(.*)$": "<rootDir>/src/$1",
    "^pulumi-cce-kubeconfig$": "<rootDir>/src/index.ts",
  },
  ...pulumiSdkResolver(),
  setupFiles: ["<rootDir>/test/setup/capture-console.ts", "<rootDir>/test/setup/no-link-local.ts"],
  globalSetup: "<rootDir>/test/global-setup.ts",
  globalTeardown: "<rootDir>/test/global-teardown.ts",
  testTimeout: 60_000,
};
