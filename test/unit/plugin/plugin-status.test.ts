/**
 * Issue 21, item 10: the plugin's errors say what the engine needs. Before, SharedConfigError,
 * ProjectLookupError and CredentialCacheError reached the engine as UNKNOWN, which it reads as
 * "the resource may have changed". One row per class errors.ts exports; a class added later
 * without a row fails the first test.
 */
import { status } from "@grpc/grpc-js";
import * as errors from "../../../src/errors";
import { statusOf } from "../../../src/plugin/status";

/** Every class the module exports that builds an Error. */
const exportedClasses = Object.entries(errors as Record<string, unknown>)
  .filter(([, value]) => typeof value === "function" && (value as { prototype: unknown }).prototype instanceof Error)
  .map(([name]) => name)
  .sort();

/** An instance of each class, built as the package builds it, and the code the engine must get. */
const TABLE: ReadonlyArray<[string, Error, keyof typeof status]> = [
  ["CceApiError", new errors.CceApiError("CCE answered 403", { method: "POST", path: "/x", status: 403 }), "PERMISSION_DENIED"],
  ["CceKubeconfigError", new errors.CceKubeconfigError("a failure of no subclass"), "FAILED_PRECONDITION"],
  ["CredentialCacheError", new errors.CredentialCacheError("the cache folder /c is writable by others", "/c"), "FAILED_PRECONDITION"],
  ["CredentialsError", new errors.CredentialsError("no credentials"), "INVALID_ARGUMENT"],
  ["EmulatorError", new errors.EmulatorError("no such cluster"), "FAILED_PRECONDITION"],
  ["InvalidInputError", new errors.InvalidInputError("clusterId", "is not an id"), "INVALID_ARGUMENT"],
  ["KubeconfigError", new errors.KubeconfigError("not a certificate"), "INVALID_ARGUMENT"],
  ["ProjectLookupError", new errors.ProjectLookupError("IAM lists no project cn-north-4", "cn-north-4", [], "trace"), "NOT_FOUND"],
  ["SharedConfigError", new errors.SharedConfigError("the shared config file /h is not valid JSON", "/h", "dev"), "INVALID_ARGUMENT"],
  ["UsageError", new errors.UsageError("--cluster-id", "is required"), "INVALID_ARGUMENT"],
];

describe("the plugin's gRPC status of each error class (issue 21, item 10)", () => {
  test("the table covers every error class errors.ts exports", () => {
    expect(TABLE.map(([name]) => name).sort()).toEqual(exportedClasses);
    expect(exportedClasses.length).toBeGreaterThanOrEqual(10);
  });

  test.each(TABLE)("%s is reported with its code, never UNKNOWN, and with its message only", (name, error, code) => {
    expect(error.constructor.name).toBe(name);
    expect(statusOf(error, status)).toEqual({ code: status[code], details: error.message });
  });

  test("a project lookup that finds several projects is FAILED_PRECONDITION (the setting must choose one)", () => {
    const ambiguous = new errors.ProjectLookupError("two projects", "cn-north-4", ["a", "b"], undefined);
    expect(statusOf(ambiguous, status).code).toBe(status.FAILED_PRECONDITION);
  });

  test("control: an error the package did not raise is UNKNOWN (the state may have changed)", () => {
    expect(statusOf(new Error("socket hang up"), status)).toEqual({ code: status.UNKNOWN, details: "socket hang up" });
    expect(statusOf("a string", status)).toEqual({ code: status.UNKNOWN, details: "a string" });
  });
});
