#!/usr/bin/env node
// @ts-check
/**
 * Runs one Pulumi operation on a stack with the real engine (the Pulumi CLI built by
 * scripts/install-pulumi.sh) through the Automation API's inline programs, which need no
 * `pulumi-language-nodejs` plugin (the Go module proxy does not serve it).
 *
 * Usage: node scripts/engine/run-stack.js '<json spec>'   (see StackSpec below)
 * Prints one JSON line on stdout: {ok, output, ...result}. The engine's own output is in `output`.
 *
 * It loads @pulumi/pulumi from the program folder, so the program, the Automation API and the
 * dynamic-provider host (started by the engine in that folder) share one copy of the SDK.
 */
const { createRequire } = require("node:module");
const { execFile } = require("node:child_process");
const { existsSync, readFileSync } = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

/**
 * @typedef {object} StackSpec
 * @property {string} programDir  folder with package.json and node_modules (the package installed from its tarball)
 * @property {string} programFile JavaScript program, relative to programDir, CommonJS or an ES module (by its
 *   extension or the nearest package.json's "type", as Node decides); its exports become stack outputs
 * @property {string} project
 * @property {string} stack
 * @property {string} backendUrl  e.g. file:///tmp/state
 * @property {"preview"|"up"|"refresh"|"destroy"|"export"|"export-secrets"|"outputs"|"remove"|"state-move"} op
 * @property {{destStack: string, urns: string[]}} [move] for "state-move": `pulumi state move` of these URNs from `stack` to `destStack`
 * @property {Record<string, {value: string, secret?: boolean}>} [config]
 * @property {boolean} [refresh]  preview/up: refresh the state first, as `pulumi up --refresh` does
 * @property {number} [parallel]  preview/up/destroy: resource operations in flight at once, as `--parallel`
 *   (the engine's default otherwise)
 * @property {string[]} [replace]  up: URNs to replace, as `pulumi up --replace`
 */

/** @param {StackSpec} spec */
async function main(spec) {
  const requireFromProgram = createRequire(path.join(spec.programDir, "package.json"));
  const { LocalWorkspace } = requireFromProgram("@pulumi/pulumi/automation");
  const programPath = path.join(spec.programDir, spec.programFile);
  let runs = 0;
  const program = async () => {
    /** @type {Record<string, unknown>} */
    let exported;
    if (isEsModule(programPath)) {
      // import() of a file URL, as Pulumi's Node.js runtime loads an ES module program. The query
      // makes each run of the inline program evaluate the module afresh, as require does below.
      const ns = await import(`${pathToFileURL(programPath).href}?run=${++runs}`);
      // Like Pulumi's runtime: a default export that is a function is the program; its result the outputs.
      exported = typeof ns.default === "function" ? { ...(await ns.default()) } : { ...ns };
    } else {
      delete requireFromProgram.cache[requireFromProgram.resolve(programPath)];
      exported = requireFromProgram(programPath);
    }
    return Object.fromEntries(Object.entries(exported).filter(([, v]) => v !== undefined));
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: spec.stack, projectName: spec.project, program },
    {
      workDir: spec.programDir,
      projectSettings: { name: spec.project, runtime: "nodejs", backend: { url: spec.backendUrl } },
    },
  );
  if (spec.config) await stack.setAllConfig(spec.config);

  let output = "";
  /** The engine's step for each resource, by URN (e.g. same, update, replace). */
  /** @type {Record<string, string[]>} */
  const steps = {};
  /** Every step the engine finished, in order: `<op> <urn>` (refresh steps included). */
  /** @type {string[]} */
  const sequence = [];
  /** @param {any} event */
  const onEvent = (event) => {
    const meta = event.resourcePreEvent?.metadata;
    if (meta) (steps[meta.urn] ??= []).push(meta.op);
    const done = event.resOutputsEvent?.metadata;
    if (done) sequence.push(`${done.op} ${done.urn}`);
  };
  /** @param {string} text */
  const onOutput = (text) => {
    output += text;
    if (process.env["CCE_ENGINE_VERBOSE"]) process.stderr.write(text);
  };
  switch (spec.op) {
    case "preview": {
      const r = await stack.preview({ onOutput, onEvent, refresh: spec.refresh, parallel: spec.parallel });
      return { output, changeSummary: r.changeSummary, steps };
    }
    case "up": {
      const r = await stack.up({ onOutput, onEvent, refresh: spec.refresh, parallel: spec.parallel, replace: spec.replace });
      return { output, changes: r.summary.resourceChanges, outputs: r.outputs, steps, sequence };
    }
    case "refresh": {
      const r = await stack.refresh({ onOutput, onEvent });
      return { output, changes: r.summary.resourceChanges, sequence };
    }
    case "destroy": {
      const r = await stack.destroy({ onOutput, onEvent, parallel: spec.parallel });
      return { output, changes: r.summary.resourceChanges, steps, sequence };
    }
    case "outputs":
      return { output, outputs: await stack.outputs() };
    case "export":
      // `pulumi stack export` without --show-secrets: what anyone with the state file sees.
      return { output, state: await pulumiCli(spec, ["stack", "export", "--stack", spec.stack]) };
    case "export-secrets":
      return { output, state: await pulumiCli(spec, ["stack", "export", "--show-secrets", "--stack", spec.stack]) };
    case "state-move": {
      if (!spec.move) throw new Error("state-move needs move: {destStack, urns}");
      const moved = await pulumiCli(spec, ["state", "move", "--source", spec.stack, "--dest", spec.move.destStack, "--yes", ...spec.move.urns]);
      return { output: moved };
    }
    case "remove":
      await stack.workspace.removeStack(spec.stack, { force: true });
      return { output };
    default:
      throw new Error(`unknown op ${JSON.stringify(spec.op)}`);
  }
}

/** Whether Node loads `file` as an ES module: `.mjs`, or `.js` under a package.json with "type": "module". */
function isEsModule(/** @type {string} */ file) {
  if (file.endsWith(".mjs")) return true;
  if (file.endsWith(".cjs")) return false;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) return JSON.parse(readFileSync(manifest, "utf8")).type === "module";
    if (path.dirname(dir) === dir) return false;
  }
}

/** @param {StackSpec} spec @param {string[]} args */
function pulumiCli(spec, args) {
  return new Promise((resolve, reject) => {
    execFile("pulumi", args, { cwd: spec.programDir, env: { ...process.env, PULUMI_BACKEND_URL: spec.backendUrl }, maxBuffer: 64 << 20 }, (error, stdout, stderr) =>
      error ? reject(new Error(`pulumi ${args.join(" ")} failed: ${stderr}`)) : resolve(stdout),
    );
  });
}

main(JSON.parse(process.argv[2] ?? "{}")).then(
  (result) => process.stdout.write(`${JSON.stringify({ ok: true, ...result })}\n`),
  (error) => {
    process.stdout.write(`${JSON.stringify({ ok: false, message: String(error && error.message ? error.message : error) })}\n`);
    process.exitCode = 1;
  },
);
