/** Reading CCE's three error body shapes, and what is redacted from a server's text. */
import { generateKeyPairSync } from "node:crypto";
import { cleanRequestId, parseErrorBody, redact } from "../../../src/api/error-body";
import { withoutCredentials } from "../../../src/api/error-messages";

describe("parseErrorBody", () => {
  test.each<[string, string, string | undefined, object]>([
    [
      "the plain CCE shape",
      '{"errorCode":"CCE.01404001","errorMessage":"Resource not found"}',
      "rid-1",
      { apiCode: "CCE.01404001", apiMessage: "Resource not found", requestId: "rid-1" },
    ],
    [
      "the Kubernetes Status shape keeps the summary and the detail",
      '{"kind":"Status","code":400,"errorCode":"CCE.01400001","errorMessage":"Invalid request.","error_code":"CCE_CM.0004","message":"duration must be -1 or 1 to 1827"}',
      undefined,
      { apiCode: "CCE.01400001", apiMessage: "Invalid request. duration must be -1 or 1 to 1827", requestId: undefined },
    ],
    [
      "the API gateway shape, request id from the body",
      '{"error_code":"APIGW.0301","error_msg":"Incorrect IAM authentication information","request_id":"gw-7"}',
      undefined,
      { apiCode: "APIGW.0301", apiMessage: "Incorrect IAM authentication information", requestId: "gw-7" },
    ],
    ["a numeric code", '{"code":500,"message":"boom"}', undefined, { apiCode: "500", apiMessage: "boom", requestId: undefined }],
    ["HTML", "<html>502 Bad Gateway</html>", "rid-2", { requestId: "rid-2" }],
    ["JSON of another shape", '["a"]', undefined, { requestId: undefined }],
    ["an empty body", "", undefined, { requestId: undefined }],
  ])("%s", (_name, body, header, expected) => {
    expect(parseErrorBody(body, header)).toEqual(expected);
  });

  test("a long message is cut at 300 characters", () => {
    const info = parseErrorBody(JSON.stringify({ errorCode: "X", errorMessage: "word ".repeat(200) }), undefined);
    expect(info.apiMessage).toHaveLength(300);
  });
});

describe("redact", () => {
  const pem = ["-----BEGIN CERTIFICATE-----", "MIIBszCCAVmgAwIBAgIU", "-----END CERTIFICATE-----"].join("\n");
  // Generated here, never committed: the first 40 characters of a fresh key's PEM.
  const unterminatedKey = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }).toString().slice(0, 40);
  test.each<[string, string, string]>([
    ["a PEM block", `got ${pem} back`, "got [redacted PEM] back"],
    ["an unterminated PEM block: a key cut short", unterminatedKey, "[redacted PEM]"],
    ["a signature (64 hex)", `Signature=${"ab12".repeat(16)}`, "Signature=[redacted]"],
    ["a long base64 run", `token ${"QUJD".repeat(12)}==`, "token [redacted]"],
    ["a 32-hex project id stays", "project 0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7 not found", "project 0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7 not found"],
    ["a UUID stays", "cluster 5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12 not found", "cluster 5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12 not found"],
  ])("%s", (_name, text, expected) => {
    expect(redact(text)).toBe(expected);
  });
});

describe("cleanRequestId", () => {
  test.each<[string | undefined, string | undefined]>([
    ["0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef"],
    ["req-1.2:3_x", "req-1.2:3_x"],
    ["a b", undefined],
    ["x".repeat(129), undefined],
    ['"><script>', undefined],
    [undefined, undefined],
  ])("%j → %j", (value, expected) => {
    expect(cleanRequestId(value)).toBe(expected);
  });
});

describe("withoutCredentials", () => {
  const credentials = { kind: "aksk", accessKey: "AKECHOED0000", secretKey: "SKechoed-secret" } as const;
  test("replaces the call's own keys wherever the server echoed them", () => {
    expect(
      withoutCredentials({ apiCode: "AKECHOED0000", apiMessage: "key AKECHOED0000 / SKechoed-secret refused", requestId: "r1" }, credentials),
    ).toEqual({ apiCode: "[redacted]", apiMessage: "key [redacted] / [redacted] refused", requestId: "r1" });
  });
  test("drops a request id that held a credential", () => {
    expect(withoutCredentials({ requestId: "AKECHOED0000" }, credentials).requestId).toBeUndefined();
  });
  test("control: text without the credentials is unchanged", () => {
    const info = { apiCode: "APIGW.0301", apiMessage: "signature mismatch", requestId: "r2" };
    expect(withoutCredentials(info, credentials)).toEqual(info);
  });
});
