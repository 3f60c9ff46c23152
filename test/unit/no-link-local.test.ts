/**
 * No process of the suite may ask the ECS metadata service's real address (169.254.169.254): a run
 * with no credentials falls back to it, and a test must neither send traffic off the machine nor,
 * on an ECS instance, sign with the instance's real keys. The test process refuses such
 * connections (test/setup/no-link-local.ts); the processes tests start get a loopback
 * HW_ECS_METADATA_URL from test/helpers/cloud-free-env.ts, and the global setup pins it for workers.
 */
import { connect } from "node:net";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { request } from "undici";
import { CLOSED_METADATA_URL, cloudFreeEnv } from "../helpers/cloud-free-env";
import { cleanEnvironment } from "../helpers/plugin-install";
import { LINK_LOCAL_REFUSAL } from "../setup/no-link-local";
import { EMPTY_CONFIG } from "../../src/config/settings";
import { resolveAuthSettings } from "../../src/credentials";

const REPO = join(__dirname, "..", "..");
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\]):\d+$/;

test("the test process refuses a connection to 169.254.169.254, by socket and by undici (control: loopback is refused by the port, not by the guard)", async () => {
  expect(() => connect({ host: "169.254.169.254", port: 80 })).toThrow(LINK_LOCAL_REFUSAL);
  expect(() => connect(80, "169.254.169.254")).toThrow(LINK_LOCAL_REFUSAL);
  const err = await request("http://169.254.169.254/openstack/latest/securitykey").then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  expect(String(err) + String((err as { cause?: unknown } | undefined)?.cause ?? "")).toContain("link-local");
  const control = await new Promise<string>((resolve) => {
    const socket = connect({ host: "127.0.0.1", port: 9 });
    socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.on("connect", () => (socket.destroy(), resolve("connected")));
  });
  expect(control).not.toContain("link-local");
});

test("the workers' environment points the metadata fallback at loopback, so resolving no credentials names no link-local address", () => {
  // The global setup pins it; a developer's own loopback emulator may replace it, never 169.254.169.254.
  expect(process.env["HW_ECS_METADATA_URL"]).toMatch(LOOPBACK);
  const bare = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HW_") && !k.startsWith("HC_CONTAINER_")));
  const method = resolveAuthSettings(EMPTY_CONFIG, { ...bare, HW_ECS_METADATA_URL: process.env["HW_ECS_METADATA_URL"] }).method;
  expect(method).toMatchObject({ kind: "ecs" });
  expect((method as { metadataUrl: string }).metadataUrl).toMatch(LOOPBACK);
  // Control: without the pin the chain would go to the real address.
  expect((resolveAuthSettings(EMPTY_CONFIG, bare).method as { metadataUrl: string }).metadataUrl).toBe("http://169.254.169.254");
});

test("the environments tests hand to child processes drop every cloud setting and pin the metadata address to a closed loopback port", () => {
  const developer = { PATH: process.env["PATH"], HW_ACCESS_KEY: "AK", HW_SECRET_KEY: "SK", HW_ECS_METADATA_URL: "http://169.254.169.254", HC_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.2/x" };
  for (const env of [cloudFreeEnv(developer), cleanEnvironment("/nonexistent-cli-dir", developer)]) {
    expect(Object.keys(env).filter((k) => k.startsWith("HW_") || k.startsWith("HC_"))).toEqual(["HW_ECS_METADATA_URL"]);
    expect(env["HW_ECS_METADATA_URL"]).toBe(CLOSED_METADATA_URL);
  }
  // A test's own metadata service (the emulator on loopback) still wins.
  expect(cloudFreeEnv(developer, { HW_ECS_METADATA_URL: "http://127.0.0.1:4000" })["HW_ECS_METADATA_URL"]).toBe("http://127.0.0.1:4000");
});

/** Files under `dir` ending in .ts or .js. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name === "fixtures") return [];
    return statSync(path).isDirectory() ? sources(path) : /\.(ts|js)$/.test(name) ? [path] : [];
  });
}

/** A file that strips HW_* itself must pin the metadata address in the same file, or use cloud-free-env. */
const stripsWithoutPin = (text: string): boolean => /startsWith\(["']HW_["']\)/.test(text) && !/HW_ECS_METADATA_URL/.test(text);

test("no test file strips HW_* settings without pinning HW_ECS_METADATA_URL (control: a planted strip is caught)", () => {
  expect(stripsWithoutPin('for (const k of Object.keys(env)) if (k.startsWith("HW_")) delete env[k];')).toBe(true);
  const offenders = [...sources(join(REPO, "test")), ...sources(join(REPO, "bench")), ...sources(join(REPO, "scripts"))]
    .filter((path) => !path.endsWith("no-link-local.test.ts"))
    .filter((path) => stripsWithoutPin(readFileSync(path, "utf8")))
    .map((path) => relative(REPO, path));
  expect(offenders).toEqual([]);
});
