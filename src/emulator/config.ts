/**
 * The `cce-emulator --config file.json` format: EmulatorOptions as JSON (without `now`, which a
 * file cannot hold). Validated strictly so a typo fails loudly instead of being ignored.
 */
import { z } from "zod";
import { InvalidInputError } from "../errors";
import type { EmulatorOptions } from "./types";

const cluster = z.strictObject({
  id: z.string().min(1),
  name: z.string().optional(),
  eip: z.boolean().optional(),
  kind: z.enum(["cce", "autopilot"]).optional(),
});

export const emulatorConfigSchema = z.strictObject({
  host: z.string().min(1).optional(),
  port: z.number().int().min(0).max(65535).optional(),
  projects: z.array(z.strictObject({ id: z.string().min(1), clusters: z.array(cluster) })).optional(),
  credentials: z
    .array(
      z.strictObject({
        accessKey: z.string().min(1),
        secretKey: z.string().min(1),
        securityToken: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .optional(),
  tokens: z.array(z.string().min(1)).min(1).optional(),
  users: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        password: z.string().min(1),
        domainName: z.string().min(1),
        id: z.string().min(1).optional(),
        domainId: z.string().min(1).optional(),
        locked: z.boolean().optional(),
      }),
    )
    .optional(),
  agencies: z.array(z.strictObject({ name: z.string().min(1), domainName: z.string().min(1), domainId: z.string().min(1).optional() })).optional(),
  identityProviders: z
    .array(
      z.strictObject({
        id: z.string().min(1),
        issuer: z.string().min(1),
        audience: z.string().min(1),
        publicKeyPem: z.string().min(1),
        subject: z.string().min(1).optional(),
        userId: z.string().min(1).optional(),
      }),
    )
    .optional(),
  tokenLifetimeMs: z.number().positive().optional(),
  legacyGetValidityDays: z.number().positive().optional(),
  serveLegacyGet: z.boolean().optional(),
  preissuedCertificates: z.boolean().optional(),
});

/**
 * Parses a config file's text. Errors name the file and the paths of the bad fields, never values
 * (a config may hold secret keys).
 */
export function parseEmulatorConfig(text: string, fileName: string): EmulatorOptions {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidInputError(fileName, "is not valid JSON");
  }
  const result = emulatorConfigSchema.safeParse(json);
  if (!result.success) {
    // zod's messages name keys and expected types, never the values.
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new InvalidInputError(fileName, `is not a valid emulator config (${problems.join("; ")})`);
  }
  return result.data;
}
