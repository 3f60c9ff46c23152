/** The suite-wide output scan (run by global-teardown.ts) finds each kind of planted leak. */
import { generateKeyPairSync } from "node:crypto";
import { scanOutput } from "../helpers/output-scan";

const pem = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();

test.each([
  ["a PEM private key", `error: ${pem}`],
  ["kubeconfig-style base64 of a PEM block", `data: ${Buffer.from(pem).toString("base64")}`],
  ["an Authorization header", "headers: { Authorization: 'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=ab' }"],
  ["an X-Auth-Token header", '{"X-Auth-Token": "gAAAAABh"}'],
])("it finds %s", (_what, text) => {
  expect(scanOutput(["clean line", text], ["a", "b"]).map((h) => h.where.split(" ")[0])).toContain("b");
});

test("ordinary output is clean", () => {
  expect(scanOutput(["CCE POST /api/v3/projects/p/clusters/c/clustercert failed: HTTP 401 APIGW.0301 (request id 1a2b)"], ["a"])).toEqual([]);
});
