/**
 * The ECS instance's metadata service, last in the chain: used only when nothing else is set.
 * Owns the `ecs` kind: the instance agency's temporary keys, fetched when a call is made and again
 * shortly before they expire. `HW_ECS_METADATA_URL` moves it for tests, to loopback only: the keys
 * it answers must not be fetched from a host a setting could name.
 */
import { DEFAULT_ECS_METADATA_URL } from "../api/ecs-metadata";
import { CredentialsError } from "../errors";
import { cachedLayer, hash } from "./layers";
import type { ChainSource, MethodBehaviour, SettingsReader } from "./source";
import type { AuthMethod } from "./types";

type Ecs = Extract<AuthMethod, { kind: "ecs" }>;

export const ecsMetadataBehaviour: MethodBehaviour = {
  kind: "ecs",
  label: "ECS instance metadata",
  layer(method, options) {
    const { metadataUrl, notFound } = method as Ecs;
    return cachedLayer(hash("ecs", metadataUrl), options.context.clock, async () => {
      const { fetchInstanceCredential, MetadataUnavailable } = await import("../api/ecs-metadata");
      return fetchInstanceCredential(metadataUrl, options.context.clock).catch((error: unknown) => {
        if (!(error instanceof MetadataUnavailable)) throw error;
        throw new CredentialsError(`${notFound}: the metadata service at ${metadataUrl} ${error.message}`);
      });
    });
  },
  identity: (method) => ({ kind: "ecs", metadataUrl: (method as Ecs).metadataUrl }),
  rotates: () => false,
};

function allowedUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const allowed = url.protocol === "http:" && (host === "169.254.169.254" || host === "127.0.0.1" || host === "::1" || host === "localhost");
  return allowed && url.search === "" && url.username === "" && url.password === "" ? url : undefined;
}

function detect(read: SettingsReader): AuthMethod {
  const url = allowedUrl(read.fromEnv("ecsMetadataUrl") ?? DEFAULT_ECS_METADATA_URL);
  if (url === undefined) throw new CredentialsError(`${read.envName("ecsMetadataUrl")} must be http://169.254.169.254 or an http:// loopback address (tests); nothing was fetched`);
  return { kind: "ecs", metadataUrl: url.origin, from: `${url.origin}/openstack/latest/securitykey`, notFound: read.noCredentials() };
}

export const ecsMetadata: ChainSource = {
  label: "ECS instance metadata",
  row: {
    config: "(none: used when nothing above is set)",
    env: "`HW_ECS_METADATA_URL` moves it, for tests (loopback only)",
    note: "the instance agency's temporary keys from `http://169.254.169.254/openstack/latest/securitykey` (with the metadata token step, or without it), 3 s per request, fetched again 5 minutes before `expires_at`",
  },
  lookedAt: (read) => `then the ECS instance's metadata service (${read.envName("ecsMetadataUrl")}, default ${DEFAULT_ECS_METADATA_URL})`,
  detect,
  fallback: true,
  methods: [ecsMetadataBehaviour],
};
