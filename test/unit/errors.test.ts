/** What errors say about themselves: the cluster-gone rule and a guard that survives two copies of the package. */
import { Script, createContext } from "node:vm";
import { CceApiError, isCceApiError } from "../../src/errors";

const gone = new CceApiError("m", { method: "GET", path: "/p", status: 404, apiCode: "CCE.01404001" });

describe("isClusterGone", () => {
  test.each<[string, number | undefined, string | undefined, boolean]>([
    ["404 CCE.01404001", 404, "CCE.01404001", true],
    ["404 from a proxy, no API code", 404, undefined, false],
    ["404 with another code", 404, "APIG.0101", false],
    ["403 CCE.01403001", 403, "CCE.01403001", false],
    ["a network error", undefined, undefined, false],
  ])("%s → %s", (_name, status, apiCode, expected) => {
    expect(new CceApiError("m", { method: "GET", path: "/p", status, apiCode }).isClusterGone).toBe(expected);
  });
});

describe("isCceApiError", () => {
  test("an instance of this copy", () => {
    expect(isCceApiError(gone)).toBe(true);
  });

  test("an error of another copy of the package (instanceof fails, name and code match)", () => {
    // A second copy: the same class source evaluated again, as a second node_modules copy would be.
    class CceApiErrorOfAnotherCopy extends Error {
      override name = "CceApiError";
      readonly code = "CCE_API_ERROR";
      readonly status = 404;
      readonly apiCode = "CCE.01404001";
    }
    const other = new CceApiErrorOfAnotherCopy("m");
    expect(other instanceof CceApiError).toBe(false);
    expect(isCceApiError(other)).toBe(true);
  });

  test("an error from another realm", () => {
    const foreign = new Script('const e = new Error("m"); e.name = "CceApiError"; e.code = "CCE_NETWORK_ERROR"; e').runInContext(createContext({}));
    expect(isCceApiError(foreign)).toBe(false); // another realm's Error is not this realm's Error: refused, not guessed
  });

  test.each<[string, unknown]>([
    ["a plain Error", new Error("m")],
    ["an Error named CceApiError with a foreign code", Object.assign(new Error("m"), { name: "CceApiError", code: "ECONNRESET" })],
    ["an object shaped like one", { name: "CceApiError", code: "CCE_API_ERROR", message: "m" }],
    ["undefined", undefined],
  ])("control: %s is not one", (_name, value) => {
    expect(isCceApiError(value)).toBe(false);
  });
});
