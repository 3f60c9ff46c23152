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
import { handleRequest, type HandlerContext } from "./server";
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

/** The emulator's parts and the settings that change while it runs, shared by the request handler and the handle. */
interface EmulatorState {
  now: () => Date;
  registry: Registry;
  /** IAM project names by project id (GET /v3/projects?name=). */
  projectNames: Map<string, string>;
  iam: IamState;
  federation: IdTokenExchange;
  metadata: MetadataState;
  faults: FaultQueue;
  requests: RecordedRequest[];
  credentials: EmulatorCredential[];
  tokens: string[];
  /** Aborted when the emulator stops, ending pending fault delays. */
  aborter: AbortController;
  podToken: string;
  /** See Emulator.backdateCertificates. */
  certificateBackdateMs: number;
}

const newPodToken = (): string => `pod-${randomBytes(32).toString("base64url")}`;

function createState(options: EmulatorOptions): EmulatorState {
  const providers = trustedProviders(options.identityProviders ?? []);
  const now = options.now ?? (() => new Date());
  const credentials = (options.credentials ?? [randomCredential()]).map((c) => ({ ...c }));
  const tokens = [...(options.tokens ?? [randomToken()])];
  const registry = new Registry(now, options.preissuedCertificates ?? false);
  const projectNames = new Map<string, string>();
  const iam = new IamState(options.users ?? [], options.agencies ?? [], now, options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS, {
    has: (id) => registry.hasProject(id),
    named: (name) => registry.projectIds().filter((id) => projectNames.get(id) === name),
    nameOf: (id) => projectNames.get(id),
  });
  const state: EmulatorState = {
    now,
    registry,
    projectNames,
    iam,
    credentials,
    tokens,
    federation: new IdTokenExchange(providers, iam, now),
    metadata: new MetadataState(iam, {
      tokenStep: options.metadataTokenStep ?? "required",
      lifetimeMs: options.instanceKeyLifetimeMs ?? DAY_MS,
      podToken: () => state.podToken,
    }),
    faults: new FaultQueue(),
    requests: [],
    aborter: new AbortController(),
    podToken: options.podIdentityToken ?? newPodToken(),
    certificateBackdateMs: 0,
  };
  return state;
}

function handlerContext(state: EmulatorState, options: EmulatorOptions): HandlerContext {
  return {
    registry: state.registry,
    faults: state.faults,
    auth: { credentials: state.credentials, tokens: state.tokens, issued: state.iam, now: state.now },
    iam: state.iam,
    federation: state.federation,
    metadata: state.metadata,
    legacyGetValidityDays: options.legacyGetValidityDays ?? DEFAULT_LEGACY_GET_VALIDITY_DAYS,
    serveLegacyGet: options.serveLegacyGet ?? true,
    record: (entry) => state.requests.push(entry),
    certificateBackdateMs: () => state.certificateBackdateMs,
    signal: state.aborter.signal,
  };
}

async function addProjects(state: EmulatorState, projects: EmulatorProject[]): Promise<void> {
  for (const project of projects) {
    state.registry.addProject(project.id);
    if (project.name !== undefined) state.projectNames.set(project.id, project.name);
    for (const cluster of project.clusters) await state.registry.addCluster(project.id, cluster);
  }
}

/** The handle's calls on projects, clusters and their certificates. */
function clusterControls(state: EmulatorState): Pick<
  Emulator,
  "mintCount" | "revokeCount" | "certificates" | "clusterEndpoint" | "clusterCaPem" | "addCluster" | "handOverCluster" | "deleteCluster" | "nameProject" | "backdateCertificates"
> {
  const registry = state.registry;
  return {
    mintCount: (clusterId) => registry.mintCount(clusterId),
    revokeCount: (clusterId) => registry.revokeCount(clusterId),
    certificates: (clusterId) => registry.certificates(clusterId),
    clusterEndpoint: (clusterId) => registry.cluster(clusterId).apiServer.url,
    clusterCaPem: (clusterId) => registry.cluster(clusterId).authority.ca.certificatePem,
    addCluster: (projectId, cluster) => registry.addCluster(projectId, cluster),
    handOverCluster: (clusterId) => handOverCluster(registry, clusterId),
    deleteCluster: (clusterId) => registry.deleteCluster(clusterId),
    nameProject: (projectId, name) => {
      registry.addProject(projectId);
      state.projectNames.set(projectId, name);
    },
    backdateCertificates: (days) => {
      if (!Number.isFinite(days) || days < 0) throw new InvalidInputError("days", "backdateCertificates takes a finite number of days >= 0");
      state.certificateBackdateMs = days * DAY_MS;
    },
  };
}

/** The handle's calls on signed-in identities: IAM tokens, ID token exchanges, instance keys, pod identity. */
function identityControls(
  state: EmulatorState,
): Pick<Emulator, "expireTokens" | "signInCount" | "idTokenExchangeCount" | "instanceKeyCount" | "rotatePodIdentityToken" | "issuedCredentials"> {
  return {
    expireTokens: (afterUses = 0) => {
      if (!Number.isInteger(afterUses) || afterUses < 0) throw new InvalidInputError("afterUses", "expireTokens takes a whole number of uses >= 0");
      state.iam.expire(afterUses);
    },
    signInCount: () => state.iam.signInCount(),
    idTokenExchangeCount: () => state.federation.count(),
    instanceKeyCount: () => state.metadata.keyCount(),
    rotatePodIdentityToken: () => {
      state.podToken = newPodToken();
      return state.podToken;
    },
    issuedCredentials: () => state.iam.issued(),
  };
}

/** What startEmulator hands back, once listening: addresses, the recorded requests, and the controls. */
function emulatorHandle(state: EmulatorState, listening: Listening, host: string, stop: () => Promise<void>): Emulator {
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const base = `http://${urlHost}:${listening.port}`;
  const requests = state.requests;
  return {
    url: base,
    authUrl: `${base}/v3`,
    credentials: state.credentials,
    tokens: state.tokens,
    get projectIds() {
      return state.registry.projectIds();
    },
    requests,
    clearRequests: () => {
      requests.length = 0;
    },
    injectFault: (fault) => state.faults.add(fault),
    clearFaults: () => state.faults.clear(),
    socketCount: () => listening.connectionsAccepted(),
    podIdentityUri: `${base}${POD_IDENTITY_PATH}`,
    get podIdentityToken() {
      return state.podToken;
    },
    ...clusterControls(state),
    ...identityControls(state),
    stop,
  };
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  validate(options);
  const host = options.host ?? "127.0.0.1";
  const state = createState(options);
  const context = handlerContext(state, options);
  const server = createServer((req, res) => void handleRequest(context, req, res));
  // A client that resets mid-request is a test scenario, not a server failure.
  server.on("clientError", (_error, socket) => socket.destroy());

  let listening: Listening | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      state.aborter.abort();
      await Promise.all([listening?.close(), state.registry.close()]);
    })();
    return stopping;
  };

  try {
    await addProjects(state, options.projects ?? defaultProjects());
    listening = await listen(server, options.port ?? 0, host);
  } catch (error) {
    await stop();
    throw error;
  }
  return emulatorHandle(state, listening, host, stop);
}
