/**
 * Credentials for each CCE call from the chain's settings: a CredentialSource (api/client.ts) over
 * the signing layers (a fixed credential, or one issued and kept until near expiry: layers.ts),
 * and the project id looked up by name once per process per credentials and name.
 */
import type { CredentialSource } from "../api/client";
import { ProjectLookupError } from "../errors";
import { signingLayers } from "./chain";
import { dropRejected, forgetLayers, hash } from "./layers";
import type { LayerOptions } from "./source";
import type { AuthSettings } from "./types";

export type { LayerOptions as SessionOptions } from "./source";

/** Per process: project ids looked up (or in flight), by credentials and project name. */
const projectIds = new Map<string, Promise<string>>();

/** Forgets every credential IAM issued to this process, and the project ids looked up (tests; a user switching identities needs nothing). */
export function forgetIssuedCredentials(): void {
  forgetLayers();
  projectIds.clear();
}

/**
 * A CredentialSource over `settings`, which is read at each call (so the password is read only
 * when a call is made). renew() drops the rejected credential, and what it was made from, and
 * fetches new ones; concurrent calls rejected with the same credential share one renewal.
 */
export function credentialSource(settings: () => AuthSettings, options: LayerOptions): CredentialSource {
  return {
    async current() {
      return signingLayers(settings(), options).at(-1)!.get();
    },
    async renew(rejected) {
      const layers = signingLayers(settings(), options);
      if (!layers.at(-1)!.issued) return undefined;
      await dropRejected(layers, rejected);
      return layers.at(-1)!.get();
    },
  };
}

/** The settings users set instead of a lookup, named in its errors. */
export interface ProjectSettingNames {
  projectId: string;
  projectName: string;
}

function lookupFailed(name: string, ids: string[], traceId: string | undefined, names: ProjectSettingNames): ProjectLookupError {
  const trace = `IAM trace id ${traceId ?? "none"}`;
  const instead = `set the project id (${names.projectId}), or the project name for a sub-project (${names.projectName})`;
  return new ProjectLookupError(
    ids.length === 0
      ? `no IAM project is named ${JSON.stringify(name)} for these credentials (${trace}): check the region, or ${instead} (nothing was minted)`
      : `IAM lists ${ids.length} projects named ${JSON.stringify(name)} (${ids.join(", ")}; ${trace}): ${instead} (nothing was minted)`,
    name,
    ids,
    traceId,
  );
}

/**
 * The id of the project named `name` (the region, or a sub-project's name), once per process per
 * credentials and name: concurrent callers share one lookup; a failed one is not kept. A password
 * sign-in (without an agency) scoped by that name answers the id with its token, as the Terraform
 * provider reads it, so it costs no call beyond the sign-in; other credentials (a token, keys, an
 * agency's keys, which act in the agency's account) ask `GET /v3/projects?name=`.
 */
export function projectIdFor(settings: AuthSettings, name: string, options: Omit<LayerOptions, "project">, names: ProjectSettingNames): Promise<string> {
  const top = signingLayers(settings, { ...options, project: { name } }).at(-1)!;
  const key = hash("project", options.authUrl(), top.key, name);
  const known = projectIds.get(key);
  if (known !== undefined) return known;
  const lookup = (async () => {
    const signedIn = settings.agency === undefined ? await top.project() : undefined;
    if (signedIn !== undefined) return signedIn;
    const { listProjectsNamed } = await import("../api/iam");
    const { ids, traceId } = await listProjectsNamed(options.authUrl(), name, await top.get(), options.context);
    if (ids.length === 1) return ids[0]!;
    throw lookupFailed(name, ids, traceId, names);
  })();
  projectIds.set(key, lookup);
  lookup.catch(() => {
    if (projectIds.get(key) === lookup) projectIds.delete(key);
  });
  return lookup;
}
