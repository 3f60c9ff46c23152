/**
 * `startEmulator`: composes the registry, the fault queue and the request handler into a local
 * CCE API server on the loopback interface.
 */
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { DAY_MS } from "../constants";
import { InvalidInputError } from "../errors";
import { FaultQueue } from "./faults";
import { IdTokenExchange, trustedProviders } from "./federation";
import { handOverCluster } from "./handover";
import { IamState } from "./iam";
import { listen, type Listening } from "./listen";
import { MetadataState, POD_IDENTITY_PATH } from "./metadata";
import { Registry } from "./registry";
import { handleRequest } from "./server";
import type { Emulator, EmulatorCredential, EmulatorOptions, EmulatorProject, RecordedRequest } from "./types";

/** The default project: a 32-hex project id, as Huawei Cloud issues them. */
export const DEFAULT_PROJECT_ID = "0e6f4c2a9b8d4c71a3e5f7b9d1c3e5a7";
/** The default project's IAM name: its region. */
export const DEFAULT_PROJECT_NAME = "cn-north-4";
/** The default cluster: a UUID, as CCE issues them. */
export const DEFAULT_CLUSTER_ID = "5c3d7e1a-9b2f-4c6e-8a1d-3f5b7c9e0a12";

/** One project with one cluster, the emulator's (and the cce-emulator command's) default. */
export function defaultProjects(): EmulatorProject[] {
  return [{ id: DEFAULT_PROJECT_ID, name: DEFAULT_PROJECT_NAME, clusters: [{ id: DEFAULT_CLUSTER_ID }] }];
}

/** A signed-in token lives 24 hours, as IAM's. */
const DEFAULT_TOKEN_LIFETIME_MS = DAY_MS;

/** Certificates from the discarded GET call are valid this many days unless configured. */
const DEFAULT_LEGACY_GET_VALIDITY_DAYS = 365;

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomText(length: number, alphabet: string): string {
  // Rejecting bytes at or above the largest multiple of the alphabet's length keeps the draw uniform.
  const limit = 256 - (256 % alphabet.length);
  let text = "";
  while (text.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < limit && text.length < length) text += alphabet[byte % alphabet.length];
    }
  }
  return text;
}

/** A throwaway pair shaped like Huawei's: a 20-character uppercase AK and a 40-character SK. */
export function randomCredential(): EmulatorCredential {
  return {
    accessKey: randomText(20, ALPHANUMERIC.slice(0, 26) + ALPHANUMERIC.slice(52)),
    secretKey: randomText(40, ALPHANUMERIC),
  };
}

export function randomToken(): string {
  return `emulator-${randomBytes(48).toString("base64url")}`;
}

function validate(options: EmulatorOptions): void {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidInputError("port", "must be an integer from 0 to 65535");
  const days = options.legacyGetValidityDays ?? DEFAULT_LEGACY_GET_VALIDITY_DAYS;
  if (!(days > 0)) throw new InvalidInputError("legacyGetValidityDays", "must be a positive number of days");
  if (options.tokenLifetimeMs !== undefined && !(options.tokenLifetimeMs > 0)) {
    throw new InvalidInputError("tokenLifetimeMs", "must be a positive number of ms");
  }
  for (const user of options.users ?? []) {
    if (!user.name || !user.password || !user.domainName) throw new InvalidInputError("users", "every emulator user needs a non-empty name, password and domainName");
  }
  for (const credential of options.credentials ?? []) {
    if (!credential.accessKey || !credential.secretKey) {
      throw new InvalidInputError("credentials", "every emulator credential needs a non-empty accessKey and secretKey");
    }
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  validate(options);
  const providers = trustedProviders(options.identityProviders ?? []);
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => new Date());
  const credentials = (options.credentials ?? [randomCredential()]).map((c) => ({ ...c }));
  const tokens = [...(options.tokens ?? [randomToken()])];
  const projects: EmulatorProject[] = options.projects ?? defaultProjects();

  const registry = new Registry(now, options.preissuedCertificates ?? false);
  /** IAM project names by project id (GET /v3/projects?name=). */
  const projectNames = new Map<string, string>();
  const iam = new IamState(options.users ?? [], options.agencies ?? [], now, options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, {
    has: (id) => registry.hasProject(id),
    named: (name) => registry.projectIds().filter((id) => projectNames.get(id) === name),
    nameOf: (id) => projectNames.get(id),
  });
  const federation = new IdTokenExchange(providers, iam, now);
  let podToken = options.podIdentityToken ?? `pod-${randomBytes(32).toString("base64url")}`;
  const metadata = new MetadataState(iam, {
    tokenStep: options.metadataTokenStep ?? "required",
    lifetimeMs: options.instanceKeyLifetimeMs ?? DAY_MS,
    podToken: () => podToken,
  });
  const faults = new FaultQueue();
  const requests: RecordedRequest[] = [];
  const aborter = new AbortController();
  let certificateBackdateMs = 0;

  const server = createServer((req, res) => {
    void handleRequest(
      {
        registry,
        faults,
        auth: { credentials, tokens, issued: iam, now },
        iam,
        federation,
        metadata,
        legacyGetValidityDays: options.legacyGetValidityDays ?? DEFAULT_LEGACY_GET_VALIDITY_DAYS,
        serveLegacyGet: options.serveLegacyGet ?? true,
        record: (entry) => requests.push(entry),
        certificateBackdateMs: () => certificateBackdateMs,
        signal: aborter.signal,
      },
      req,
      res,
    );
  });
  // A client that resets mid-request is a test scenario, not a server failure.
  server.on("clientError", (_error, socket) => socket.destroy());

  let listening: Listening | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      aborter.abort();
      await Promise.all([listening?.close(), registry.close()]);
    })();
    return stopping;
  };

  try {
    for (const project of projects) {
      registry.addProject(project.id);
      if (project.name !== undefined) projectNames.set(project.id, project.name);
      for (const cluster of project.clusters) await registry.addCluster(project.id, cluster);
    }
    listening = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await stop();
    throw error;
  }

  const port = listening.port;
  const urlHost = host.includes(":") ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    authUrl: `http://${urlHost}:${port}/v3`,
    credentials,
    tokens,
    get projectIds() {
      return registry.projectIds();
    },
    mintCount: (clusterId) => registry.mintCount(clusterId),
    revokeCount: (clusterId) => registry.revokeCount(clusterId),
    certificates: (clusterId) => registry.certificates(clusterId),
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    clusterEndpoint: (clusterId) => registry.cluster(clusterId).apiServer.url,
    clusterCaPem: (clusterId) => registry.cluster(clusterId).authority.ca.certificatePem,
    addCluster: (projectId, cluster) => registry.addCluster(projectId, cluster),
    handOverCluster: (clusterId) => handOverCluster(registry, clusterId),
    deleteCluster: (clusterId) => registry.deleteCluster(clusterId),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    socketCount: () => listening?.connectionsAccepted() ?? 0,
    expireTokens: (afterUses = 0) => {
      if (!Number.isInteger(afterUses) || afterUses < 0) throw new InvalidInputError("afterUses", "expireTokens takes a whole number of uses >= 0");
      iam.expire(afterUses);
    },
    signInCount: () => iam.signInCount(),
    idTokenExchangeCount: () => federation.count(),
    instanceKeyCount: () => metadata.keyCount(),
    podIdentityUri: `http://${urlHost}:${port}${POD_IDENTITY_PATH}`,
    get podIdentityToken() {
      return podToken;
    },
    rotatePodIdentityToken: () => {
      podToken = `pod-${randomBytes(32).toString("base64url")}`;
      return podToken;
    },
    nameProject: (projectId, name) => {
      registry.addProject(projectId);
      projectNames.set(projectId, name);
    },
    issuedCredentials: () => iam.issued(),
    backdateCertificates: (days) => {
      if (!Number.isFinite(days) || days < 0) throw new InvalidInputError("days", "backdateCertificates takes a finite number of days >= 0");
      certificateBackdateMs = days * DAY_MS;
    },
    stop,
  };
}
