/** The command line of cce-kubeconfig and the exec protocol's small rules. */
import { credentialArguments, DEFAULT_EXEC_DURATION_DAYS, DEFAULT_EXEC_TTL_MS, parseCommandLine, ttlMs } from "../../../src/exec/arguments";
import { execApiVersion, execCredential, handOutUntil, renewalMarginMs } from "../../../src/exec/exec-credential";
import { HOUR_MS, DAY_MS, MINUTE_MS } from "../../../src/constants";
import { UsageError } from "../../../src/errors";

const CLUSTER = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

test("credential takes the cluster, project, region, cloud, endpoint, kind, context and duration flags", () => {
  expect(
    parseCommandLine([
      "credential",
      "--cluster-id",
      CLUSTER,
      "--project-id",
      "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7",
      "--region",
      "ap-southeast-1",
      "--cloud",
      "myhuaweicloud.com",
      "--endpoint",
      "https://cce.ap-southeast-1.myhuaweicloud.com",
      "--cluster-kind",
      "autopilot",
      "--context",
      "internal",
      "--duration",
      "7",
    ]),
  ).toEqual({
    command: "credential",
    cluster: {
      clusterId: CLUSTER,
      projectId: "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7",
      region: "ap-southeast-1",
      cloud: "myhuaweicloud.com",
      endpoint: "https://cce.ap-southeast-1.myhuaweicloud.com",
      clusterKind: "autopilot",
      context: "internal",
      duration: 7,
    },
  });
});

test("kubeconfig takes the file, the context name, the exec command and --set-current besides the credential flags", () => {
  expect(
    parseCommandLine(["kubeconfig", "--cluster-id", CLUSTER, "--kubeconfig", "/tmp/k", "--context-name", "prod", "--exec-command", "/opt/bin/x", "--set-current"]),
  ).toEqual({ command: "kubeconfig", cluster: { clusterId: CLUSTER }, kubeconfig: "/tmp/k", contextName: "prod", execCommand: "/opt/bin/x", setCurrent: true });
  expect(parseCommandLine(["kubeconfig", "--cluster-id", CLUSTER])).toEqual({ command: "kubeconfig", cluster: { clusterId: CLUSTER }, setCurrent: false });
});

test("--help, -h and help ask for the usage, before or after a subcommand", () => {
  for (const argv of [["--help"], ["-h"], ["help"], ["credential", "--help"], ["kubeconfig", "-h"]]) expect(parseCommandLine(argv)).toEqual({ command: "help" });
});

test.each<[string[], string | undefined, RegExp]>([
  [[], undefined, /a subcommand is required/],
  [["token"], undefined, /unknown subcommand "token"/],
  [["credential"], "--cluster-id", /is required/],
  [["credential", "--cluster-id"], "--cluster-id", /argument missing/],
  [["credential", "--cluster-id", " "], "--cluster-id", /must not be empty/],
  [["credential", "--cluster", CLUSTER], "--cluster", /Unknown option '--cluster'/],
  [["credential", "--cluster-id", CLUSTER, "--kubeconfig", "/k"], "--kubeconfig", /Unknown option/],
  [["credential", "--cluster-id", CLUSTER, "extra"], undefined, /Unexpected argument 'extra'/],
  [["credential", "--cluster-id", CLUSTER, "--cluster-kind", "turbo"], "--cluster-kind", /must be one of cce, autopilot; got "turbo"/],
  [["credential", "--cluster-id", CLUSTER, "--context", "public"], "--context", /must be one of auto, internal, external, externalTLSVerify/],
  [["credential", "--cluster-id", CLUSTER, "--endpoint", ""], "--endpoint", /must not be empty/],
  [["credential", "--cluster-id", CLUSTER, "--cloud"], "--cloud", /argument missing/],
  [["credential", "--cluster-id", CLUSTER, "--duration", "0"], "--duration", /from 1 to 10950, or -1/],
  [["credential", "--cluster-id", CLUSTER, "--duration", "1.5"], "--duration", /whole number/],
  [["credential", "--cluster-id", CLUSTER, "--duration", "1d"], "--duration", /got "1d"/],
])("%j is a usage error naming %s", (argv, flag, message) => {
  const error = usageError(argv);
  expect(error.flag).toBe(flag);
  expect(error.code).toBe("CCE_USAGE");
  expect(error.message).toMatch(message);
  if (flag !== undefined) expect(error.message.startsWith(`${flag}: `)).toBe(true);
  expect(error.message).not.toContain("\n");
});

test("the exec entry's arguments are the credential flags that were given, and parse back to the same selection", () => {
  const cluster = { clusterId: CLUSTER, region: "cn-north-4", clusterKind: "cce" as const, duration: 2 };
  const args = credentialArguments(cluster);
  expect(args).toEqual(["credential", "--cluster-id", CLUSTER, "--region", "cn-north-4", "--cluster-kind", "cce", "--duration", "2"]);
  expect(parseCommandLine(args)).toEqual({ command: "credential", cluster });
  expect(credentialArguments({ clusterId: CLUSTER })).toEqual(["credential", "--cluster-id", CLUSTER]);
  // The exec resource writes the endpoint and cloud it was given, so kubectl needs no HW_CCE_ENDPOINT.
  const located = { clusterId: CLUSTER, cloud: "example.com", endpoint: "http://127.0.0.1:8080" };
  expect(credentialArguments(located)).toEqual(["credential", "--cluster-id", CLUSTER, "--cloud", "example.com", "--endpoint", "http://127.0.0.1:8080"]);
  expect(parseCommandLine(credentialArguments(located))).toEqual({ command: "credential", cluster: located });
});

test("the default validity is an hour (--ttl, sent as expire_at); Autopilot, which takes days only, gets CCE's shortest, one day", () => {
  expect(DEFAULT_EXEC_TTL_MS).toBe(60 * 60 * 1000);
  expect(DEFAULT_EXEC_DURATION_DAYS).toBe(1);
});

test("--ttl is written back and parses to the same selection; revoke parses its target", () => {
  const cluster = { clusterId: CLUSTER, ttl: "15m" };
  expect(credentialArguments(cluster)).toEqual(["credential", "--cluster-id", CLUSTER, "--ttl", "15m"]);
  expect(parseCommandLine(credentialArguments(cluster))).toEqual({ command: "credential", cluster });
  expect([ttlMs("15m"), ttlMs("1h"), ttlMs("2d"), ttlMs("5y")]).toEqual([15 * 60_000, 3_600_000, 2 * 86_400_000, 5 * 365 * 86_400_000]);
  expect(() => ttlMs("14m")).toThrow(/^--ttl: .*from 15m/);
  expect(parseCommandLine(["revoke", "--cluster-id", CLUSTER, "--mine"])).toEqual({ command: "revoke", cluster: { clusterId: CLUSTER }, target: "mine" });
  expect(parseCommandLine(["revoke", "--cluster-id", CLUSTER, "--agency-id", "a1"])).toEqual({ command: "revoke", cluster: { clusterId: CLUSTER }, target: { agencyId: "a1" } });
});

test("the answer's apiVersion is the one KUBERNETES_EXEC_INFO names, v1 without it; another version or a bad value is refused by name", () => {
  expect(execApiVersion(undefined)).toBe("client.authentication.k8s.io/v1");
  expect(execApiVersion("")).toBe("client.authentication.k8s.io/v1");
  const info = (apiVersion: string) => JSON.stringify({ kind: "ExecCredential", apiVersion, spec: { interactive: false } });
  expect(execApiVersion(info("client.authentication.k8s.io/v1beta1"))).toBe("client.authentication.k8s.io/v1beta1");
  expect(execApiVersion(info("client.authentication.k8s.io/v1"))).toBe("client.authentication.k8s.io/v1");
  expect(() => execApiVersion(info("client.authentication.k8s.io/v1alpha1"))).toThrow(/^KUBERNETES_EXEC_INFO: names "client.authentication.k8s.io\/v1alpha1"/);
  expect(() => execApiVersion("{not json")).toThrow(/^KUBERNETES_EXEC_INFO: is set but is not an ExecCredential JSON object/);
});

test("a certificate is handed out until a tenth of its life, at most an hour, before notAfter", () => {
  const from = new Date("2030-01-01T00:00:00Z");
  const after = (ms: number) => new Date(from.getTime() + ms);
  expect(renewalMarginMs(from, after(DAY_MS))).toBe(HOUR_MS);
  expect(renewalMarginMs(from, after(365 * DAY_MS))).toBe(HOUR_MS);
  expect(renewalMarginMs(from, after(5 * HOUR_MS))).toBe(30 * MINUTE_MS);
  expect(renewalMarginMs(from, after(-1))).toBe(0);
  expect(handOutUntil(from, after(DAY_MS)).toISOString()).toBe("2030-01-01T23:00:00.000Z");
});

test("the ExecCredential carries PEM and an RFC 3339 expiry in whole seconds", () => {
  expect(execCredential("client.authentication.k8s.io/v1", "CERT", "KEY", new Date("2030-01-01T23:00:00.250Z"))).toEqual({
    apiVersion: "client.authentication.k8s.io/v1",
    kind: "ExecCredential",
    status: { clientCertificateData: "CERT", clientKeyData: "KEY", expirationTimestamp: "2030-01-01T23:00:00Z" },
  });
});
