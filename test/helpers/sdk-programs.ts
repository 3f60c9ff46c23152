/**
 * The tooling of programs in other languages (Python, Go) that use the generated SDKs: their
 * drivers (test/e2e/python/driver.py, test/e2e/go/main.go) run one Automation API operation per
 * invocation with an inline program, which needs no `pulumi-language-python` or `-go` (neither
 * can be built here). helpers/plugin-program.ts runs them. A missing tool fails loudly, never
 * skips (CI=true changes nothing).
 */
import { execFile, spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../scripts/engine/program";
import { recordOutput } from "./capture";
import { requireTool } from "./tools";
import type { Emulator } from "../../src/emulator";

const exec = promisify(execFile);

/** The folder of the Go driver: its go.mod pins the Go SDKs the programs use. */
export const GO_DRIVER_DIR = join(REPO_ROOT, "test", "e2e", "go");

export interface DriverSpec {
  op: "preview" | "up" | "refresh" | "destroy";
  project: string;
  stack: string;
  /** Where the Automation API writes Pulumi.yaml and the stack's settings. */
  workDir: string;
  backendUrl: string;
  /** Python: the folder the driver imports the example program from. */
  exampleDir?: string;
  /** Python: the example's module whose `program` runs. */
  module?: string;
  /** Go: the program, by its example folder (a key of the driver's registry, such as "examples/go"). */
  program?: string;
  config?: Record<string, { value: string; secret?: boolean }>;
  /** preview, up, refresh: fail if anything would change (--expect-no-changes). */
  expectNoChanges?: boolean;
}

export interface DriverResult {
  ok: boolean;
  /** The error, when the operation failed. */
  message?: string;
  /** The engine's progress output. */
  output?: string;
  /** up: the stack outputs, plaintext values with their secret flag. */
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  /** up, refresh, destroy: the summary's resource changes; preview: the change summary. */
  changes?: Record<string, number>;
  /** The engine's steps by URN. */
  steps?: Record<string, string[]>;
  /** The driver's own stderr. */
  stderr: string;
  ms: number;
}

/**
 * Runs `command args` with the spec on stdin (secret config stays off the command line, where
 * `ps` would show it) and parses the JSON line it prints last. The engine's output and the
 * message join the suite-wide capture (their leak scan); the outputs hold plaintext on purpose
 * and stay out of it.
 */
export async function runDriver(command: string, args: string[], spec: DriverSpec, env: NodeJS.ProcessEnv): Promise<DriverResult> {
  const started = Date.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(command, args, { env, cwd: spec.workDir, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("error", reject);
    child.on("close", (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }));
    child.stdin.end(JSON.stringify(spec));
  });
  const line = stdout.trim().split("\n").at(-1) ?? "";
  let parsed: Omit<DriverResult, "stderr" | "ms">;
  try {
    parsed = JSON.parse(line) as Omit<DriverResult, "stderr" | "ms">;
  } catch {
    throw new Error(`${basename(command)} ${spec.op} (${spec.stack}) printed no result (exit ${code}):\n${stderr.slice(-4000)}`);
  }
  recordOutput(`${basename(command)} ${spec.op} (${spec.stack})`, `${parsed.output ?? ""}\n${parsed.message ?? ""}\n${stderr}`);
  return { ...parsed, stderr, ms: Date.now() - started };
}

/** The bin dir of the cached venv with pulumi (scripts/install-python.sh; its last stdout line). */
async function cachedPythonBin(): Promise<string> {
  try {
    const { stdout } = await exec("bash", [join(REPO_ROOT, "scripts", "install-python.sh")], { cwd: REPO_ROOT, maxBuffer: 16 << 20, timeout: 540_000 });
    return stdout.trim().split("\n").at(-1) ?? "";
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`scripts/install-python.sh failed: ${message}\n${stderr ?? ""}`);
  }
}

const purelib = async (python: string) =>
  (await exec(python, ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])).stdout.trim();

/**
 * A venv under `work` that sees the cached venv's packages (pulumi, pip) through a .pth file, with
 * the generated SDK pip-installed into it, the way a user installs it: from a copy of sdk/python
 * (a build in place would leave build/ and *.egg-info in the clone). `--system-site-packages`
 * cannot do this: a venv made by a venv's Python gets the base interpreter's site-packages.
 * Returns the venv's python.
 */
export async function pythonWithSdk(work: string): Promise<string> {
  const base = join(await cachedPythonBin(), "python");
  const venv = join(work, "venv");
  await exec(base, ["-m", "venv", "--without-pip", venv]);
  const python = join(venv, "bin", "python");
  writeFileSync(join(await purelib(python), "cce-cached-venv.pth"), `${await purelib(base)}\n`);
  const sdk = join(work, "sdk-python");
  cpSync(join(REPO_ROOT, "sdk", "python"), sdk, {
    recursive: true,
    filter: (source) => !/(^|\/)(build|dist|__pycache__|[^/]*\.egg-info)$/.test(source),
  });
  try {
    await exec(python, ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", sdk], { maxBuffer: 16 << 20, timeout: 300_000 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`pip install of the generated SDK (a copy of sdk/python) failed: ${message}\n${stderr ?? ""}`);
  }
  return python;
}

/**
 * Builds test/e2e/go (the driver, with examples/go, examples/go-exec and sdk/go through replace
 * lines) into `work`. Go's build cache makes a rebuild of unchanged sources quick; the first is
 * slow (~3 minutes on 2 cores, most of it the Kubernetes SDK).
 */
export async function buildGoDriver(work: string): Promise<{ binary: string; ms: number }> {
  const go = requireTool("go", ["/usr/local/go/bin"]);
  const binary = join(work, "cce-go-driver");
  const started = Date.now();
  try {
    await exec(go, ["build", "-o", binary, "."], {
      cwd: GO_DRIVER_DIR,
      env: { ...process.env, GOWORK: "off", GOFLAGS: "-mod=readonly -buildvcs=false" },
      maxBuffer: 16 << 20,
      timeout: 540_000,
    });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`go build of test/e2e/go failed: ${message}\n${stderr ?? ""}`);
  }
  return { binary, ms: Date.now() - started };
}

/**
 * The version of the Kubernetes plugin that the Go driver's Kubernetes SDK asks the engine for:
 * the SDK pins it (utilities.PkgResourceDefaultOpts adds pulumi.Version), and the engine takes an
 * installed plugin of exactly that version only. It is the SDK module's version in test/e2e/go/go.mod.
 */
export function goKubernetesSdkVersion(): string {
  const gomod = readFileSync(join(GO_DRIVER_DIR, "go.mod"), "utf8");
  const version = /^\s*github\.com\/pulumi\/pulumi-kubernetes\/sdk\/v4 v(\S+)/m.exec(gomod)?.[1];
  if (version === undefined) throw new Error("test/e2e/go/go.mod requires no github.com/pulumi/pulumi-kubernetes/sdk/v4");
  return version;
}

/**
 * The first up of a program with one certificate: the stack and the certificate created, exactly
 * one mint, kubeconfig a secret output holding the issued certificate, expiresAt the certificate's
 * own, clusterId plain, and the verifying external context chosen.
 */
export function expectFirstCertificate(
  created: { changes: Record<string, number>; outputs: Record<string, { value: unknown; secret: boolean }> },
  emulator: Emulator,
  clusterId: string,
): void {
  expect(created.changes).toEqual({ create: 2 });
  expect(emulator.mintCount()).toBe(1);
  const issued = emulator.certificates(clusterId)[0]!;
  const kubeconfig = created.outputs["kubeconfig"];
  expect(kubeconfig?.secret).toBe(true);
  expect(kubeconfig?.value as string).toContain(Buffer.from(issued.certificatePem).toString("base64"));
  expect(created.outputs["expiresAt"]).toEqual({ value: issued.notAfter.toISOString(), secret: false });
  expect(created.outputs["clusterId"]).toEqual({ value: clusterId, secret: false });
  expect(created.outputs["currentContext"]?.value).toBe("externalTLSVerify");
}
