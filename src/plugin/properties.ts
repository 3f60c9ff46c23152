/**
 * What the plugin returns as a ClusterCertificate's properties. The dynamic resource derives
 * `server`, `clientKeyData` and the others from the stored kubeconfig in the program
 * (provider/resource.ts); the plugin's SDKs are generated and cannot, so the plugin returns them,
 * and wraps every output the schema marks secret itself (an import or a raw registration applies
 * no additionalSecretOutputs).
 */
import { storedKubeconfigEntries } from "../kubeconfig/entries";
import { INPUT_NAMES } from "../provider/input-schema";
import { isUnknown, UNKNOWN } from "../protocol";
import type { CertificateOutputs } from "../provider/outputs";
import { UPDATE_IN_PLACE } from "../provider/operations";
import { CLUSTER_CERTIFICATE_TYPE, packageSchema } from "./schema";
import { wrapKeys } from "./secrets";
import { VERSION } from "./version";

type Props = Record<string, unknown>;

const PROPERTIES: Readonly<Record<string, { secret?: boolean }>> = packageSchema(VERSION).resources[CLUSTER_CERTIFICATE_TYPE]!.properties;
/** Outputs the schema marks secret. */
export const SECRET_OUTPUTS = Object.keys(PROPERTIES).filter((name) => PROPERTIES[name]!.secret === true);
/** The schema's outputs that are not inputs: unknown at the preview of a create. */
const OUTPUT_ONLY = Object.keys(PROPERTIES).filter((name) => !(INPUT_NAMES as readonly string[]).includes(name));

/** `value` without undefined anywhere: a protobuf Struct refuses it ("Unexpected struct type"). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : plain(v)));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, plain(v)]])));
}

/** The stored outputs plus what the dynamic resource derives from the kubeconfig, secrets wrapped. */
export function outputsToReturn(outs: CertificateOutputs, secretInputs: readonly string[] = []): Props {
  const { server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters } = storedKubeconfigEntries(outs.kubeconfig);
  const props = plain({ ...outs, server, certificateAuthorityData, clientCertificateData, clientKeyData, contexts, clusters }) as Props;
  return wrapKeys(props, [...SECRET_OUTPUTS, ...secretInputs]);
}

/** At preview: the inputs, and every output not known yet as unknown (secret ones wrapped, so the program sees them secret). */
export function previewOutputs(inputs: Props, secretInputs: readonly string[] = []): Props {
  const props: Props = { ...inputs };
  for (const name of OUTPUT_ONLY) if (props[name] === undefined) props[name] = UNKNOWN;
  return wrapKeys(plain(props) as Props, [...SECRET_OUTPUTS, ...secretInputs]);
}

export const hasUnknowns = (props: Props): boolean => Object.values(props).some(isUnknown);

/** The inputs among stored properties (what Read returns as the resource's inputs). */
export function inputsOf(stored: object): Props {
  const props = stored as Props;
  return Object.fromEntries(INPUT_NAMES.flatMap((name) => (props[name] === undefined ? [] : [[name, props[name]]])));
}

/** The engine's kinds of a property's change (pulumirpc.PropertyDiff.Kind). */
export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

export const diffKind = (before: unknown, after: unknown, replace: boolean): PropertyDiffKind =>
  `${before === undefined || before === null ? "ADD" : after === undefined || after === null ? "DELETE" : "UPDATE"}${replace ? "_REPLACE" : ""}` as PropertyDiffKind;

/**
 * The detailed diff of a ClusterCertificate: each replacing key of the operations' diff, and each
 * in-place input that changed, compared as the operations compare them (unknown counts as changed).
 */
export function certificateDiff(olds: Props, news: Props, replaces: readonly string[]): Record<string, { kind: PropertyDiffKind; inputDiff: boolean }> {
  const isInput = (key: string) => (INPUT_NAMES as readonly string[]).includes(key);
  // An output (expiresAt, when renewal is due) changes value; an input may also appear or go away.
  const entry = (key: string, replace: boolean) =>
    isInput(key) ? { kind: diffKind(olds[key], news[key], replace), inputDiff: true } : { kind: replace ? "UPDATE_REPLACE" : "UPDATE", inputDiff: false } as const;
  const updates = UPDATE_IN_PLACE.filter((key) => isUnknown(news[key]) || news[key] !== olds[key]);
  const detailed: Record<string, { kind: PropertyDiffKind; inputDiff: boolean }> = {};
  for (const key of replaces) detailed[key] = entry(key, true);
  for (const key of updates) detailed[key] ??= entry(key, false);
  return detailed;
}
