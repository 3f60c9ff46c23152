/**
 * Many certificates in one stack, with the real engine (issue #9, "Bounded memory and honest
 * timeouts under load"): the engine creates them concurrently in one dynamic-provider host, whose
 * client and connection pool they share. With the server slow, more creates are in flight than the
 * pool has connections; each still mints exactly one certificate, and the host opens exactly the
 * pool's connections, no more.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MAX_CONNECTIONS_PER_ORIGIN } from "../../src/api/transport";
import type { Emulator } from "../../src/emulator";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { engineEnv, runStackOk, type StackSpec } from "../helpers/engine";
import { programDir } from "../helpers/program-dir";

jest.setTimeout(300_000);

const AK = "AKMANYCERTSTEST00";
const SK = "SKmany-certificates-secret-key-00";
const COUNT = 40;
const SERVER_MS = 400;
// The engine's default parallelism is lower than the pool (8 creates in flight on 2 cores here),
// so the stack asks for more, as \`pulumi up --parallel 64\` does.
const PARALLEL = 64;
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const { ClusterCertificate } = require("pulumi-cce-kubeconfig");
const config = new pulumi.Config("many");
const count = Number(config.require("count"));
const certs = Array.from({ length: count }, (_, i) => new ClusterCertificate("cert-" + i, { clusterId: config.require("clusterId") }));
module.exports = { expiries: pulumi.all(certs.map((c) => c.expiresAt)) };
`;

let emulator: Emulator;
let work: string;
let env: NodeJS.ProcessEnv;

function spec(op: StackSpec["op"], parallel?: number): StackSpec {
  return {
    parallel,
    programDir: programDir(),
    programFile: "many-program.js",
    project: "cce-many",
    backendUrl: `file://${join(work, "state")}`,
    stack: "many",
    op,
    config: {
      "many:count": { value: String(COUNT) },
      "many:clusterId": { value: DEFAULT_CLUSTER_ID },
      "huaweicloud:projectId": { value: DEFAULT_PROJECT_ID },
      "huaweicloud:accessKey": { value: AK, secret: true },
      "huaweicloud:secretKey": { value: SK, secret: true },
    },
  };
}

beforeAll(async () => {
  emulator = await startTestEmulator({ credentials: [{ accessKey: AK, secretKey: SK }] });
  work = mkdtempSync(join(tmpdir(), "cce-many-"));
  env = { ...engineEnv(join(work, "pulumi-home")), HW_CCE_ENDPOINT: emulator.url };
  mkdirSync(join(work, "state"));
  writeFileSync(join(programDir(), "many-program.js"), PROGRAM);
});
afterAll(async () => {
  await emulator?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test(`${COUNT} certificates in one stack, ${PARALLEL} operations in flight, the server taking ${SERVER_MS} ms per mint: one up mints exactly ${COUNT} over exactly the pool's ${MAX_CONNECTIONS_PER_ORIGIN} connections`, async () => {
  emulator.injectFault({ path: "/clustercert", delayMs: SERVER_MS, times: Infinity });
  const mints = emulator.mintCount();
  const sockets = emulator.socketCount();
  const created = await runStackOk(spec("up", PARALLEL), env);
  expect(created.changes).toEqual({ create: COUNT + 1 });
  expect(emulator.mintCount() - mints).toBe(COUNT);
  // Exactly the cap, a check that fails both ways: more would be a pool per resource (or per
  // call); fewer would mean the engine never had more creates in flight than connections, so the
  // test would not show them queueing in one shared pool.
  expect(emulator.socketCount() - sockets).toBe(MAX_CONNECTIONS_PER_ORIGIN);
  expect((created.outputs?.["expiries"]?.value as string[]).length).toBe(COUNT);

  emulator.clearFaults();
  const minted = emulator.mintCount();
  await runStackOk(spec("destroy"), env);
  expect(emulator.mintCount()).toBe(minted);
});
