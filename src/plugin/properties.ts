/**
 * What the plugin returns as a resource's properties: the stored outputs, plus what the resource
 * derives from them (a ClusterCertificate's `server`, `clientKeyData` and the others, which the
 * dynamic resource derives in the program and the generated SDKs cannot), with every output its
 * schema marks secret wrapped by the plugin itself (an import or a raw registration applies no
 * additionalSecretOutputs).
 */
import { isUnknown, UNKNOWN } from "../protocol";
import { clusterCertificate, type ResourceEntry } from "../resources";
import { wrapKeys } from "./secrets";

type Props = Record<string, unknown>;

/** ClusterCertificate's outputs the schema marks secret. */
export const SECRET_OUTPUTS: string[] = [...clusterCertificate.secretOutputs];

/** `value` without undefined anywhere: a protobuf Struct refuses it ("Unexpected struct type"). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : plain(v)));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).flatMap(([k, v]) => (v === undefined ? [] : [[k, plain(v)]])));
}

/** The stored outputs plus what the resource derives from them, secrets wrapped. */
export function outputsToReturn(resource: ResourceEntry, outs: Props, secretInputs: readonly string[] = []): Props {
  const props = plain({ ...outs, ...resource.derivedOutputs?.(outs) }) as Props;
  return wrapKeys(props, [...resource.secretOutputs, ...secretInputs]);
}

/** At preview: the inputs, and every output not known yet as unknown (secret ones wrapped, so the program sees them secret). */
export function previewOutputs(resource: ResourceEntry, inputs: Props, secretInputs: readonly string[] = []): Props {
  const props: Props = { ...inputs };
  for (const name of Object.keys(resource.schema.properties)) {
    if (!resource.inputNames.includes(name) && props[name] === undefined) props[name] = UNKNOWN;
  }
  return wrapKeys(plain(props) as Props, [...resource.secretOutputs, ...secretInputs]);
}

export const hasUnknowns = (props: Props): boolean => Object.values(props).some(isUnknown);

/** The inputs among stored properties (what Read returns as the resource's inputs). */
export function inputsOf(resource: ResourceEntry, stored: Props): Props {
  return Object.fromEntries(resource.inputNames.flatMap((name) => (stored[name] === undefined ? [] : [[name, stored[name]]])));
}

/** The engine's kinds of a property's change (pulumirpc.PropertyDiff.Kind). */
export type PropertyDiffKind = "ADD" | "ADD_REPLACE" | "DELETE" | "DELETE_REPLACE" | "UPDATE" | "UPDATE_REPLACE";

export const diffKind = (before: unknown, after: unknown, replace: boolean): PropertyDiffKind =>
  `${before === undefined || before === null ? "ADD" : after === undefined || after === null ? "DELETE" : "UPDATE"}${replace ? "_REPLACE" : ""}` as PropertyDiffKind;

/** JSON with sorted keys: the engine hands back stored objects with their keys in its own order. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => (v !== null && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));

/**
 * The detailed diff: each replacing key of the operations' diff, and each in-place input that
 * changed, compared as the operations compare them (unknown counts as changed).
 */
export function detailedDiff(
  resource: ResourceEntry,
  olds: Props,
  news: Props,
  replaces: readonly string[],
): Record<string, { kind: PropertyDiffKind; inputDiff: boolean }> {
  const isInput = (key: string) => resource.inputNames.includes(key);
  // An output (expiresAt, when renewal is due) changes value; an input may also appear or go away.
  const entry = (key: string, replace: boolean) =>
    isInput(key) ? { kind: diffKind(olds[key], news[key], replace), inputDiff: true } : ({ kind: replace ? "UPDATE_REPLACE" : "UPDATE", inputDiff: false } as const);
  const updates = resource.updateInPlace.filter((key) => isUnknown(news[key]) || canonical(news[key]) !== canonical(olds[key]));
  const detailed: Record<string, { kind: PropertyDiffKind; inputDiff: boolean }> = {};
  for (const key of replaces) detailed[key] = entry(key, true);
  for (const key of updates) detailed[key] ??= entry(key, false);
  return detailed;
}
