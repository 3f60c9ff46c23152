// @ts-check
/**
 * Jest's resolver in the run with CCE_TEST_PULUMI_SDK (npm run test:node22): `@pulumi/pulumi`
 * imported by the sources or the tests resolves to the copy in .tools/pulumi-sdk-<version>; every
 * other request, including those a test makes from a program folder (createRequire there, as the
 * host test does, so the gRPC client and its @grpc/grpc-js come from one install), resolves as usual.
 */
const path = require("node:path");

const repo = path.resolve(__dirname, "..", "..");
const version = process.env["CCE_TEST_PULUMI_SDK"];
const sdkBase = version ? path.join(repo, ".tools", `pulumi-sdk-${version}`) : undefined;
const mapped = [path.join(repo, "src") + path.sep, path.join(repo, "test") + path.sep];

/**
 * @param {string} request
 * @param {{ basedir: string, defaultResolver: (request: string, options: object) => string }} options
 */
module.exports = (request, options) => {
  const fromRepo = mapped.some((dir) => (options.basedir + path.sep).startsWith(dir));
  if (sdkBase && fromRepo && /^@pulumi\/pulumi(\/|$)/.test(request)) {
    return options.defaultResolver(request, { ...options, basedir: sdkBase });
  }
  return options.defaultResolver(request, options);
};
