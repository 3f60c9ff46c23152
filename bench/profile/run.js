#!/usr/bin/env node
// @ts-check
/**
 * Profiles for the diagnosis of issue 9 (not part of npm run bench): per-call CPU profiles of each
 * contender against the emulator in its own process, import profiles, and import times by package.
 * Writes bench/out/profiles/*.cpuprofile and *.txt summaries.
 *
 * Usage: node bench/profile/run.js [calls]   (after npm run build)
 */
const { execFileSync } = require("node:child_process");
const { mkdirSync, writeFileSync } = require("node:fs");
const path = require("node:path");
const { startEmulatorProcess } = require("../lib/emulator-process");

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(__dirname, "..", "out", "profiles");
const FOCUS = "signRequest|canonical|payloadHash|sha256Hex|computeSignature|createHash|createHmac|Hash|Hmac|safeParse|_zod|parse|attempt|call|validate|request|text|AbortSignal|timeout|URL|dispatch|EnvHttpProxyAgent|createClusterCertificate|JSON|cleanRequestId|create|buildOutputs|renderKubeconfig|readCertificate|X509|stringify";

async function main() {
  const calls = Number(process.argv[2] ?? 10_000);
  mkdirSync(OUT, { recursive: true });
  const emulator = await startEmulatorProcess({ preissued: true });
  const env = { ...process.env, BENCH_TARGET: JSON.stringify({ url: emulator.url, credentials: emulator.credentials, projectId: emulator.projectId, clusterId: emulator.clusterId }) };
  const node = (/** @type {string[]} */ args) => execFileSync(process.execPath, args, { env, cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
  try {
    for (const contender of ["floor", "ours", "provider", "sdk"]) {
      process.stderr.write(`profile: ${contender}, ${calls} calls\n`);
      node(["--cpu-prof", `--cpu-prof-dir=${OUT}`, `--cpu-prof-name=calls-${contender}.cpuprofile`, path.join(__dirname, "driver.js"), contender, String(calls)]);
      const summary = node([path.join(__dirname, "summarize.js"), path.join(OUT, `calls-${contender}.cpuprofile`), `--calls=${calls + 500}`, "--top=30", `--focus=${FOCUS}`]);
      writeFileSync(path.join(OUT, `calls-${contender}.txt`), summary);
    }
    const imports = {
      undici: require.resolve("undici"),
      client: path.join(REPO_ROOT, "dist", "api", "client.js"),
      index: path.join(REPO_ROOT, "dist", "index.js"),
      operations: path.join(REPO_ROOT, "dist", "provider", "operations.js"),
      sdk: require.resolve("@huaweicloud/huaweicloud-sdk-cce"),
    };
    for (const [name, file] of Object.entries(imports)) {
      process.stderr.write(`profile: import of ${name}\n`);
      writeFileSync(path.join(OUT, `import-${name}-by-package.txt`), node([path.join(__dirname, "require-times.js"), file]));
      node(["--cpu-prof", `--cpu-prof-dir=${OUT}`, `--cpu-prof-name=import-${name}.cpuprofile`, "-e", `require(${JSON.stringify(file)})`]);
      writeFileSync(path.join(OUT, `import-${name}.txt`), node([path.join(__dirname, "summarize.js"), path.join(OUT, `import-${name}.cpuprofile`), "--top=20"]));
    }
  } finally {
    await emulator.stop();
  }
  process.stderr.write(`profile: written to ${path.relative(REPO_ROOT, OUT)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
