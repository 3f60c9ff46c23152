/**
 * The release archives of the targets this machine cannot run natively (issue 22), checked for what
 * can be checked here, and the exec command's single executable:
 * - linux-arm64: started under qemu-aarch64 with Debian's aarch64 libraries (scripts/install-qemu.sh), it answers GetPluginInfo and
 *   GetSchema over gRPC with the committed schema;
 * - windows-amd64 and windows-arm64: a PE executable for that machine, the SEA fuse flipped and the
 *   bundle injected (control: the official node.exe it was made from has neither);
 * - darwin-amd64 and darwin-arm64: the launcher and the bundle, which starts and prints its port;
 * - the linux-amd64 `cce-kubeconfig` executable, with no `node` on PATH, prints an ExecCredential
 *   minted by the emulator.
 * The archives come from scripts/package-plugin.js (cached by content: cold, the three single
 * executables take about two minutes).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import type * as Grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/provider_pb";
import type { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import type * as EmptyPb from "google-protobuf/google/protobuf/empty_pb";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { requireTool } from "../helpers/tools";
// A CommonJS build script without types.
const { certificateTable } = require("../../scripts/release/pe") as { certificateTable: (image: Buffer) => { offset: number; size: number } };

jest.setTimeout(600_000);

// The gRPC runtime of the @pulumi/pulumi whose stubs are imported (see test/emulator/plugin-server.test.ts).
const fromSdk = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = fromSdk("@grpc/grpc-js") as typeof Grpc;
const { Empty } = fromSdk("google-protobuf/google/protobuf/empty_pb") as typeof EmptyPb;

const run = promisify(execFile);
const ROOT = join(__dirname, "..", "..");
const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const PLUGIN = "pulumi-resource-cce-kubeconfig";
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** A path that only the bundle holds (its module table names grpc-js's files). */
const BUNDLE_MARK = "node_modules/@grpc/grpc-js/build/src/constants.js";

let out: string;
let work: string;
const started: ChildProcess[] = [];

async function packageArchives(args: string[]): Promise<void> {
  await run(process.execPath, [join(ROOT, "scripts", "package-plugin.js"), "--out", out, ...args], { cwd: ROOT, maxBuffer: 16 << 20 });
}

/** Unpacks an archive of `out` into its own folder; returns the folder. */
function unpack(archive: string): string {
  const dir = mkdtempSync(join(work, "unpacked-"));
  execFileSync("tar", ["-xzf", join(out, archive), "-C", dir]);
  return dir;
}

/** Starts `file args` and resolves with the port it prints first (the engine's handshake). */
function startForPort(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<number> {
  const child = spawn(file, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  started.push(child);
  let stdout = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} printed no port within ${timeoutMs} ms:\n${stdout}${stderr}`)), timeoutMs);
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = /^(\d+)\n/.exec(stdout);
      if (line) {
        clearTimeout(timer);
        resolve(Number(line[1]));
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code}:\n${stdout}${stderr}`));
    });
  });
}

function unary<Req, Res>(client: ResourceProviderClient, method: "getPluginInfo" | "getSchema", request: Req): Promise<Res> {
  const call = (client[method] as unknown as (r: Req, m: Grpc.Metadata, o: Partial<Grpc.CallOptions>, cb: (e: Grpc.ServiceError | null, r: Res) => void) => void).bind(client);
  return new Promise((resolve, reject) => call(request, new grpc.Metadata(), { deadline: Date.now() + 60_000 }, (error, response) => (error ? reject(error) : resolve(response))));
}

/** The PE header's Machine field, after checking the MZ and PE signatures. */
function peMachine(binary: Buffer): number {
  expect(binary.subarray(0, 2).toString("latin1")).toBe("MZ");
  const pe = binary.readUInt32LE(0x3c);
  expect(binary.subarray(pe, pe + 4).toString("latin1")).toBe("PE\0\0");
  return binary.readUInt16LE(pe + 4);
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "cce-release-targets-"));
  out = join(work, "release");
  mkdirSync(out);
  await packageArchives(["--target", "linux-arm64", "--target", "windows-amd64", "--target", "windows-arm64", "--target", "darwin-amd64", "--target", "darwin-arm64"]);
  await packageArchives(["--product", "exec", "--target", "linux-amd64"]);
});

afterAll(() => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  if (work) rmSync(work, { recursive: true, force: true });
});

test("the linux-arm64 executable, under qemu-aarch64, answers GetPluginInfo and GetSchema with the committed schema", async () => {
  const qemu = requireTool("qemu-aarch64");
  // The aarch64 glibc and libstdc++ the official Node build links to (scripts/install-qemu.sh).
  const sysroot = "/usr/aarch64-linux-gnu";
  if (!existsSync(join(sysroot, "lib", "ld-linux-aarch64.so.1"))) throw new Error(`${sysroot} has no aarch64 loader: run bash scripts/install-qemu.sh`);
  const dir = unpack(`${PLUGIN}-v${VERSION}-linux-arm64.tar.gz`);
  expect(readdirSync(dir)).toEqual([PLUGIN]);
  const binary = readFileSync(join(dir, PLUGIN));
  // ELF, 64-bit, e_machine 183 (EM_AARCH64).
  expect([binary.subarray(0, 4).toString("latin1"), binary[4], binary.readUInt16LE(18)]).toEqual(["\x7fELF", 2, 183]);
  // No folder on PATH: nothing but the executable (and the emulator) can serve.
  const port = await startForPort(qemu, ["-L", sysroot, join(dir, PLUGIN), "127.0.0.1:1"], { PATH: join(work, "no-such-folder") }, 180_000);
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const info = await unary<EmptyPb.Empty, PluginInfo>(client, "getPluginInfo", new Empty());
    expect(info.getVersion()).toBe(VERSION);
    const schema = await unary<pb.GetSchemaRequest, pb.GetSchemaResponse>(client, "getSchema", new pb.GetSchemaRequest());
    expect(`${JSON.stringify(JSON.parse(schema.getSchema()), null, 2)}\n`).toBe(readFileSync(join(ROOT, "schema.json"), "utf8"));
  } finally {
    client.close();
  }
});

test.each([
  ["windows-amd64", 0x8664],
  ["windows-arm64", 0xaa64],
])("the %s archive holds one unsigned PE executable for its machine, fuse flipped and bundle injected (control: the signed node.exe it came from)", (target, machine) => {
  const dir = unpack(`${PLUGIN}-v${VERSION}-${target}.tar.gz`);
  expect(readdirSync(dir)).toEqual([`${PLUGIN}.exe`]);
  const binary = readFileSync(join(dir, `${PLUGIN}.exe`));
  expect(peMachine(binary)).toBe(machine);
  expect(binary.includes(`${FUSE}:1`)).toBe(true);
  expect(binary.includes(BUNDLE_MARK)).toBe(true);
  // The resource Node looks the blob up by, as a PE resource name (UTF-16LE).
  expect(binary.includes(Buffer.from("NODE_SEA_BLOB", "utf16le"))).toBe(true);
  // Unsigned: the official signature, which the injection broke, was removed (release/pe.js).
  expect(certificateTable(binary).size).toBe(0);
  const original = readFileSync(join(ROOT, ".tools", "node-builds", target, "node.exe"));
  expect(peMachine(original)).toBe(machine);
  expect([original.includes(`${FUSE}:0`), original.includes(`${FUSE}:1`), original.includes(BUNDLE_MARK)]).toEqual([true, false, false]);
  expect(certificateTable(original).size).toBeGreaterThan(0);
});

test.each(["darwin-amd64", "darwin-arm64"])("the %s archive is the launcher (mode 755) and the bundle, which starts and prints its port", async (target) => {
  const dir = unpack(`${PLUGIN}-v${VERSION}-${target}.tar.gz`);
  expect(readdirSync(dir).sort()).toEqual([PLUGIN, `${PLUGIN}.js`]);
  expect(statSync(join(dir, PLUGIN)).mode & 0o777).toBe(0o755);
  expect(readFileSync(join(dir, PLUGIN), "utf8")).toBe(`#!/bin/sh\nexec node "$(dirname "$0")/${PLUGIN}.js" "$@"\n`);
  const port = await startForPort(join(dir, PLUGIN), ["127.0.0.1:1"], { PATH: [join(process.execPath, ".."), "/usr/bin", "/bin"].join(delimiter) }, 60_000);
  expect(port).toBeGreaterThan(0);
});

describe("the cce-kubeconfig executable (linux-amd64)", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => emulator?.stop());

  test("with no node on PATH prints an ExecCredential the emulator minted; a second call is served from its cache", async () => {
    const dir = unpack(`cce-kubeconfig-v${VERSION}-linux-amd64.tar.gz`);
    expect(readdirSync(dir)).toEqual(["cce-kubeconfig"]);
    const { accessKey, secretKey } = emulator.credentials[0]!;
    const env = {
      PATH: join(work, "no-such-folder"),
      HOME: join(work, "home"),
      HW_ACCESS_KEY: accessKey,
      HW_SECRET_KEY: secretKey,
      HW_PROJECT_ID: DEFAULT_PROJECT_ID,
      HW_REGION_NAME: "cn-north-4",
      HW_CCE_ENDPOINT: emulator.url,
      HW_ECS_METADATA_URL: "http://127.0.0.1:9", // a closed port: never the real metadata address
      CCE_KUBECONFIG_CACHE_DIR: join(work, "exec-cache"),
    };
    const before = emulator.mintCount();
    const first = await run(join(dir, "cce-kubeconfig"), ["credential", "--cluster-id", DEFAULT_CLUSTER_ID], { env });
    expect(first.stderr).toBe("");
    const credential = JSON.parse(first.stdout) as { apiVersion: string; kind: string; status: { clientCertificateData: string } };
    expect([credential.apiVersion, credential.kind]).toEqual(["client.authentication.k8s.io/v1", "ExecCredential"]);
    expect(new X509Certificate(credential.status.clientCertificateData).serialNumber).toBe(emulator.certificates(DEFAULT_CLUSTER_ID).at(-1)!.serialNumber);
    expect(emulator.mintCount()).toBe(before + 1);
    const second = await run(join(dir, "cce-kubeconfig"), ["credential", "--cluster-id", DEFAULT_CLUSTER_ID], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(emulator.mintCount()).toBe(before + 1);
  });
});

test("SHA256SUMS lists the archives of the last package-plugin run and matches them", async () => {
  const { stdout } = await run("sha256sum", ["--check", "SHA256SUMS"], { cwd: out });
  expect(stdout.trim().split("\n")).toEqual([`cce-kubeconfig-v${VERSION}-linux-amd64.tar.gz: OK`]);
});
