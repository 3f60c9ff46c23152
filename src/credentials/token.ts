/**
 * An IAM token (`huaweicloud:token` / `HW_AUTH_TOKEN`), sent as `X-Auth-Token`. Owns the `token`
 * kind: used as it is, named in the exec cache by a hash of the token (nothing else names its
 * user), and rotating (a new token's cache entry supersedes the last).
 */
import { fixedLayer, jsonDigest } from "./layers";
import type { ChainSource, MethodBehaviour } from "./source";
import type { AuthMethod } from "./types";

type Token = Extract<AuthMethod, { kind: "token" }>;

export const tokenBehaviour: MethodBehaviour = {
  kind: "token",
  label: "an IAM token",
  layer: (method) => fixedLayer({ kind: "token", token: (method as Token).token }),
  identity: (method) => ({ kind: "token", token: jsonDigest((method as Token).token) }),
  rotates: () => true,
};

export const token: ChainSource = {
  label: "an IAM token",
  row: { config: "`token`", env: "`HW_AUTH_TOKEN`", note: "sent as `X-Auth-Token`" },
  lookedAt: (read) => read.both("token"),
  detect(read) {
    const value = read.either("token");
    return value === undefined ? undefined : { kind: "token", token: value, from: read.where("token") };
  },
  methods: [tokenBehaviour],
};
