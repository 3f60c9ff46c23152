/** Case-insensitive header lookup, as the signer, the client and the emulator use it. */
import { headerValue, type HeaderMap } from "../../../src/http/headers";

describe("headerValue", () => {
  test.each<[string, HeaderMap, string, string | undefined]>([
    ["a lower-case key, as undici and Node answer", { "x-request-id": "r1" }, "X-Request-Id", "r1"],
    ["a key written in another case, as a caller's headers", { "X-Sdk-Date": "20261130T120000Z" }, "x-sdk-date", "20261130T120000Z"],
    ["a repeated field, joined as HTTP combines it", { "retry-after": ["1", "2"] }, "Retry-After", "1, 2"],
    ["an absent header", { "content-type": "application/json" }, "retry-after", undefined],
    ["an empty value, which is not absent", { "x-request-id": "" }, "x-request-id", ""],
  ])("%s", (_what, headers, name, expected) => {
    expect(headerValue(headers, name)).toBe(expected);
  });
});
