/**
 * Who the chain signs as, for the exec command's cache: a hash of what names the method's identity
 * (each kind's behaviour says what, never a secret) and of the agency on top. The exec cache key
 * (exec/cache-key.ts) adds where and which cluster.
 */
import { CREDENTIAL_CHAIN, methodBehaviour } from "./chain";
import { jsonDigest } from "./layers";
import type { ChainSource } from "./source";
import type { AuthSettings } from "./types";


/** A hash of who the credential chain signs as: the method and the agency it assumes, if any. `now` decides whether an ID token has expired. */
export function credentialIdentity(settings: AuthSettings, now: Date = new Date(), chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string {
  return jsonDigest({ method: methodBehaviour(settings.method.kind, chain).identity(settings.method, now), agency: settings.agency ?? null });
}

/**
 * Which entries a new one replaces: for rotating credentials, the settings that hold them (their
 * names, the profile and file) and the agency, so each rotation's entry supersedes the last and
 * one private key is kept, not one per rotation (issue 21, item 5); for fixed ones, the identity
 * itself, so two users of one machine keep their own entries.
 */
export function credentialSlot(settings: AuthSettings, identity: string, chain: readonly ChainSource[] = CREDENTIAL_CHAIN): string {
  if (!methodBehaviour(settings.method.kind, chain).rotates(settings.method)) return identity;
  return jsonDigest({ kind: settings.method.kind, from: settings.method.from, agency: settings.agency ?? null });
}
