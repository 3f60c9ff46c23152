/**
 * A stand-in for a CI runner's OIDC identity provider: a real RSA key pair, the emulator's
 * identity provider trusting its public key, and ID tokens (RS256 JWTs) signed with its private key.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import type { EmulatorIdentityProvider } from "../../src/emulator";

export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";
export const AUDIENCE = "huaweicloud";

export interface TestIdentityProvider {
  /** What the emulator's options take. */
  provider: EmulatorIdentityProvider;
  /** An ID token for `sub` that expires `lifeSeconds` after `now` (the emulator's clock). */
  idToken(options?: { sub?: string; now?: Date; lifeSeconds?: number; audience?: string }): string;
}

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

export function testIdentityProvider(id = "github-actions", subject = "repo:acme/infra:ref:refs/heads/main"): TestIdentityProvider {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const provider: EmulatorIdentityProvider = { id, issuer: GITHUB_ISSUER, audience: AUDIENCE, subject, publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString() };
  return {
    provider,
    idToken({ sub = subject, now = new Date(), lifeSeconds = 300, audience = AUDIENCE } = {}) {
      const iat = Math.floor(now.getTime() / 1000);
      // A jti makes every token distinct, as a runner's are.
      const claims = { iss: GITHUB_ISSUER, aud: audience, sub, iat, nbf: iat, exp: iat + lifeSeconds, jti: `${iat}-${Math.random().toString(36).slice(2)}` };
      const input = `${b64({ alg: "RS256", typ: "JWT", kid: "test" })}.${b64(claims)}`;
      return `${input}.${sign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    },
  };
}
