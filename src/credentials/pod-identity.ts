/**
 * CCE pod identity (`HC_CONTAINER_CREDENTIALS_FULL_URI` + `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`,
 * by the names Huawei's Python SDK reads inside a CCE pod). Owns the `pod` kind: temporary keys for
 * the pod's service account, the token file read at each fetch (the kubelet rotates it), fetched
 * again shortly before they expire. An `http:` URI must be a loopback or link-local IP literal (the
 * node's agent): plain HTTP carries the pod's token in clear, so never to a name.
 */
import { isLoopbackOrLinkLocalIp } from "../config/local-address";
import { readTokenFile } from "../config/token-file";
import { CredentialsError } from "../errors";
import { cachedLayer, hash } from "./layers";
import type { ChainSource, MethodBehaviour } from "./source";
import type { AuthMethod } from "./types";

type Pod = Extract<AuthMethod, { kind: "pod" }>;

async function fetchKeys(method: Pod, clock: () => Date) {
  const { uri, tokenFile } = method;
  const read = readTokenFile(tokenFile);
  if (!read.ok) throw new CredentialsError(`CCE pod identity (${method.from}) gave no keys: the token file ${tokenFile} ${read.reason}`);
  const { fetchPodCredential } = await import("../api/pod-identity");
  const { MetadataUnavailable } = await import("../api/ecs-metadata");
  return fetchPodCredential(uri, read.token, clock).catch((error: unknown) => {
    if (!(error instanceof MetadataUnavailable)) throw error;
    throw new CredentialsError(`CCE pod identity (${method.from}) gave no keys: the endpoint ${new URL(uri).origin} ${error.message}`);
  });
}

export const podIdentityBehaviour: MethodBehaviour = {
  kind: "pod",
  label: "CCE pod identity",
  layer: (method, options) => cachedLayer(hash("pod", (method as Pod).uri, (method as Pod).tokenFile), options.context.clock, () => fetchKeys(method as Pod, options.context.clock)),
  identity: (method) => ({ kind: "pod", uri: (method as Pod).uri, tokenFile: (method as Pod).tokenFile }),
  rotates: () => false,
};

function parsedUri(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

export const podIdentity: ChainSource = {
  label: "CCE pod identity",
  row: {
    config: "(none: the pod's environment)",
    env: "`HC_CONTAINER_CREDENTIALS_FULL_URI` + `HC_CONTAINER_AUTHORIZATION_TOKEN_FILE`",
    note: "inside a CCE pod (the Pulumi Kubernetes Operator's stacks): temporary keys for the pod's service account, the token file read at each fetch, fetched again 5 minutes before `expires_at`",
  },
  lookedAt: (read) => `CCE pod identity: ${read.envName("podCredentialsUri")} + ${read.envName("podTokenFile")}`,
  detect(read) {
    const [uriName, tokenName] = [read.envName("podCredentialsUri"), read.envName("podTokenFile")];
    const uri = read.fromEnv("podCredentialsUri");
    if (uri === undefined) return undefined;
    const tokenFile = read.fromEnv("podTokenFile");
    if (tokenFile === undefined) throw new CredentialsError(`${uriName} is set but not ${tokenName}: set the path of the pod's token file`);
    const url = parsedUri(uri);
    const local = url !== undefined && isLoopbackOrLinkLocalIp(url.hostname);
    if (url === undefined || url.username !== "" || url.password !== "" || !(url.protocol === "https:" || (url.protocol === "http:" && local))) {
      throw new CredentialsError(`${uriName} must be an https:// URL, or http:// to a loopback or link-local IP address (such as 169.254.170.2; not a name); nothing was fetched`);
    }
    return { kind: "pod", uri: url.href, tokenFile, from: `${uriName} + ${tokenName}` };
  },
  methods: [podIdentityBehaviour],
};
