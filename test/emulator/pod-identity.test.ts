/**
 * CCE pod identity (issue 14, item 4) through the provider's operations against the emulator's
 * pod identity endpoint on loopback: HC_CONTAINER_CREDENTIALS_FULL_URI + the pod's token file sign;
 * the token file is read again at each fetch (the kubelet rotates it); a wrong, empty or unreadable
 * token file, a URI without a token file, and bad answers fail naming the file or the reason,
 * never the token or a key, and mint nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "../../src/emulator";
import { forgetIssuedCredentials } from "../../src/credentials";
import { CredentialsError } from "../../src/errors";
import { createOperations } from "../../src/provider/operations";
import type { CheckedInputs } from "../../src/provider/inputs";
import { DEFAULT_CLUSTER_ID, DEFAULT_PROJECT_ID, startTestEmulator } from "../helpers/emulator";
import { stackConfig } from "../helpers/stack-config";

let emulator: Emulator;
let dir: string;
let tokenFile: string;

beforeAll(async () => {
  emulator = await startTestEmulator();
  dir = mkdtempSync(join(tmpdir(), "pod-identity-"));
  tokenFile = join(dir, "token");
});
afterAll(async () => {
  await emulator.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  forgetIssuedCredentials();
  emulator.clearRequests();
  emulator.clearFaults();
  writeFileSync(tokenFile, `${emulator.podIdentityToken}\n`);
});

function operationsWith(env: Record<string, string>) {
  const operations = createOperations({ env: { HW_ECS_METADATA_URL: "http://127.0.0.1:1", ...env } });
  void operations.configure({ config: stackConfig({}) });
  return operations;
}
const pod = (extra: Record<string, string> = {}) =>
  operationsWith({ HC_CONTAINER_CREDENTIALS_FULL_URI: emulator.podIdentityUri, HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile, ...extra });

async function create(operations: ReturnType<typeof createOperations>) {
  const checked = await operations.check({}, { clusterId: DEFAULT_CLUSTER_ID, endpoint: emulator.url, projectId: DEFAULT_PROJECT_ID });
  expect(checked.failures).toEqual([]);
  return operations.create(checked.inputs as CheckedInputs);
}

const log = () => emulator.requests.map((r) => `${r.method} ${r.path.startsWith("/api") ? "cce" : r.path} ${r.status}`);

test("inside a pod, the pod identity endpoint's keys sign the CCE call", async () => {
  await create(pod());
  expect(log()).toEqual(["POST /pod-identity/v1/credentials 200", "POST cce 200"]);
  expect(emulator.requests.at(-1)!.auth).toBe("aksk");
});

test("the token file is read again at each fetch: a rotated token works (control: the old one is refused)", async () => {
  const operations = pod();
  await create(operations);
  const rotated = emulator.rotatePodIdentityToken();
  forgetIssuedCredentials();
  await expect(create(operations)).rejects.toThrow(/answered HTTP 401/); // the file still holds the old token
  writeFileSync(tokenFile, rotated);
  await create(operations);
  expect(log().filter((l) => l.startsWith("POST /pod"))).toEqual(["POST /pod-identity/v1/credentials 200", "POST /pod-identity/v1/credentials 401", "POST /pod-identity/v1/credentials 200"]);
});

describe("no keys from pod identity: a CredentialsError naming the settings and the reason, nothing minted", () => {
  async function refused(operations: ReturnType<typeof createOperations>): Promise<string> {
    const minted = emulator.mintCount();
    const error = await create(operations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(emulator.mintCount()).toBe(minted);
    const message = (error as Error).message;
    expect(message).not.toContain(emulator.podIdentityToken);
    return message;
  }

  test("a wrong token (401)", async () => {
    writeFileSync(tokenFile, "not-the-pod-token");
    expect(await refused(pod())).toBe(
      "CCE pod identity (HC_CONTAINER_CREDENTIALS_FULL_URI + HC_CONTAINER_AUTHORIZATION_TOKEN_FILE) gave no keys: " +
        `the endpoint ${new URL(emulator.url).origin} answered HTTP 401 (check the pod's service account and its token file)`,
    );
  });

  test("an empty token file", async () => {
    writeFileSync(tokenFile, "  \n");
    expect(await refused(pod())).toContain(`gave no keys: the token file ${tokenFile} is empty`);
  });

  test("an unreadable token file", async () => {
    expect(await refused(pod({ HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: join(dir, "missing") }))).toContain(`the token file ${join(dir, "missing")} cannot be read (ENOENT)`);
  });

  test.each([403, 500])("the endpoint answers %i", async (status) => {
    emulator.injectFault({ path: "/pod-identity", status });
    expect(await refused(pod())).toContain(`answered HTTP ${status}`);
  });

  test("an answer missing fields or expiring in the past", async () => {
    emulator.injectFault({ path: "/pod-identity", status: 200, body: { credentials: { access: "PODACCESSKEY00000001" } } });
    expect(await refused(pod())).toContain("the pod identity answer has no credential.secret, credential.securitytoken, credential.expires_at");
    emulator.injectFault({ path: "/pod-identity", status: 200, body: { credential: { access: "A", secret: "B", securitytoken: "C", expires_at: "2001-01-01T00:00:00Z" } } });
    expect(await refused(pod())).toContain("the pod identity answer expired at 2001-01-01T00:00:00.000Z");
  });

  test("the URI without a token file, or to a remote http: host, is refused before any request", async () => {
    const env = { HC_CONTAINER_CREDENTIALS_FULL_URI: emulator.podIdentityUri };
    await expect(create(operationsWith(env))).rejects.toThrow("HC_CONTAINER_CREDENTIALS_FULL_URI is set but not HC_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    await expect(create(operationsWith({ HC_CONTAINER_CREDENTIALS_FULL_URI: "http://10.1.2.3/credentials", HC_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile }))).rejects.toThrow(
      "must be an https:// URL, or http:// to a loopback or link-local IP address",
    );
    expect(log()).toEqual([]);
  });
});
