/**
 * A Pulumi program folder with this package installed the way users get it: `npm pack`, then
 * `npm install <tarball>` beside `@pulumi/pulumi`. The serialized provider then reaches the package
 * from `node_modules`, exactly as in real use. The work is shared with the demo (scripts/engine/program.js).
 */
export { REPO_ROOT, PULUMI_SDK_VERSION, KUBERNETES_SDK_VERSION, buildPackage, packPackage, installProgram } from "../../scripts/engine/program";
