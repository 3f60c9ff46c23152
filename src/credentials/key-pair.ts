/**
 * An access key pair (`huaweicloud:accessKey` + `secretKey`, or `HW_ACCESS_KEY` + `HW_SECRET_KEY`,
 * with a security token for temporary keys). Taken from one source only: a key from stack config
 * never signs with a secret from the environment. Owns the `aksk` kind, which every source of keys
 * (a profile, the SDKs' variables and file) hands on: used as it is, named by its access key.
 */
import { fixedLayer } from "./layers";
import type { ChainSource, MethodBehaviour, SettingsReader } from "./source";
import type { AuthMethod } from "./types";

type KeyPair = Extract<AuthMethod, { kind: "aksk" }>;

/** A key pair method, without the optional fields that are not set. */
export function keyPairMethod(accessKey: string, secretKey: string, securityToken: string | undefined, from: string, projectId?: string): KeyPair {
  const method: KeyPair = { kind: "aksk", accessKey, secretKey, from };
  if (securityToken !== undefined) method.securityToken = securityToken;
  if (projectId !== undefined) method.projectId = projectId;
  return method;
}

function detect(read: SettingsReader): AuthMethod | undefined {
  for (const [get, name] of [
    [read.fromConfig, read.configName],
    [read.fromEnv, read.envName],
  ] as const) {
    const accessKey = get("accessKey");
    const secretKey = get("secretKey");
    if (accessKey === undefined || secretKey === undefined) continue;
    return keyPairMethod(accessKey, secretKey, get("securityToken"), `${name("accessKey")} + ${name("secretKey")}`);
  }
  return undefined;
}

export const keyPairBehaviour: MethodBehaviour = {
  kind: "aksk",
  label: "an access key pair",
  layer: (method) => {
    const { accessKey, secretKey, securityToken } = method as KeyPair;
    return fixedLayer(securityToken === undefined ? { kind: "aksk", accessKey, secretKey } : { kind: "aksk", accessKey, secretKey, securityToken });
  },
  identity: (method) => ({ kind: "aksk", accessKey: (method as KeyPair).accessKey }),
  // An SSO profile's or a security token's keys are replaced when they expire.
  rotates: (method) => (method as KeyPair).securityToken !== undefined,
};

export const keyPair: ChainSource = {
  label: "an access key pair",
  row: {
    config: "`accessKey` + `secretKey` (+ `securityToken`)",
    env: "`HW_ACCESS_KEY` + `HW_SECRET_KEY` (+ `HW_SECURITY_TOKEN`)",
    note: "from one source only: a key from config never signs with a secret from the environment",
  },
  lookedAt: (read) => `${read.both("accessKey")} + ${read.both("secretKey")} (with ${read.both("securityToken")} for temporary keys)`,
  detect,
  methods: [keyPairBehaviour],
};
