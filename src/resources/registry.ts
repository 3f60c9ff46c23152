/**
 * What a resource is to every host: its type token, its Pulumi schema, which outputs are secret,
 * and its operations (check, diff, create, read, update, delete), which know nothing of the host
 * that calls them. The plugin dispatches by type token through the list in ./index.ts and builds
 * its package schema from it; the dynamic provider's shims reach the same operations by module path.
 *
 * A resource is a folder here whose index.ts exports `defineResource({...})`, and one line in the
 * list (after pulumi-command's provider.go, which maps each token to its implementation).
 */
import type { CheckFailure } from "../config/checked";
import { PLUGIN_CONFIG_NAMESPACE, type Environment, type StackConfig } from "../config/settings";
import type { CceClientOptions } from "../api/client";

/** The Pulumi package name; state and programs hold it, so it never changes. */
export const PACKAGE_NAME = PLUGIN_CONFIG_NAMESPACE;

/** `cce-kubeconfig:index:<name>`: state holds it, so a resource's token never changes. */
export const typeToken = (name: string): string => `${PACKAGE_NAME}:index:${name}`;

type Props = Record<string, unknown>;

/** A property of the Pulumi package schema. */
export interface PropertySpec {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  /** The element type of an array (no description of its own). */
  items?: Omit<PropertySpec, "description"> & { description?: string };
  $ref?: string;
  description: string;
  secret?: boolean;
  default?: string | number | boolean;
}

export const string = (description: string, extra: Partial<PropertySpec> = {}): PropertySpec => ({ type: "string", description, ...extra });

/** An object type of the package schema (`types`), such as a kubeconfig context. */
export interface ObjectTypeSpec {
  type: "object";
  description: string;
  properties: Record<string, PropertySpec>;
  required: string[];
}

export const objectType = (description: string, properties: Record<string, PropertySpec>, required: string[]): ObjectTypeSpec => ({
  type: "object",
  description,
  properties,
  required,
});

/** A resource's entry in the package schema's `resources`. */
export interface ResourceSchema {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  /** Every output: the inputs echoed, and the rest; `secret` as the provider wraps them. */
  properties: Record<string, PropertySpec>;
  /** Outputs that are always set. */
  required: string[];
}

/** What a host passes to a resource's operations. */
export interface ResourceOptions {
  /** Where `HW_*` settings and credentials are read, at each call. @default process.env */
  env?: Environment;
  /** The clock that decides renewal and signs requests. @default () => new Date() */
  clock?: () => Date;
  /** Client options beyond endpoint, project and credentials (waits, a dispatcher), for tests. */
  client?: Pick<CceClientOptions, "sleep" | "random" | "dispatcher" | "timeoutMs">;
  /** Shows a warning to the user (it never holds a secret). @default a warning in the engine's output */
  warn?: (message: string) => void | Promise<void>;
}

/**
 * A resource's operations as a host calls them, with plain property bags (secrets unwrapped;
 * UNKNOWN in place of values not known at preview). They throw the package's errors.
 */
export interface ResourceOperations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Props, news: Props): Promise<{ inputs: Props; failures: readonly CheckFailure[] }>;
  diff(id: string, olds: Props, news: Props): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: Props): Promise<{ id: string; outs?: Props }>;
  /** `{ id: "" }` (or no id) when the resource is gone. */
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(id: string, olds: Props, news: Props): Promise<{ outs?: Props }>;
  delete(id: string, props: Props): Promise<void>;
}

/** Operations shaped as a dynamic provider's, with typed inputs (each resource's own interfaces). */
interface TypedOperations {
  configure(req: { config: StackConfig }): Promise<void>;
  check(olds: Props, news: Props): Promise<unknown>;
  diff(id: string, olds: never, news: never): Promise<{ changes?: boolean; replaces?: string[]; deleteBeforeReplace?: boolean }>;
  create(inputs: never): Promise<{ id: string; outs?: Props }>;
  read(id: string, props: Props): Promise<{ id?: string; props?: Props }>;
  update(id: string, olds: never, news: never): Promise<{ outs?: Props }>;
}

/** A resource's typed operations under the registry's names, with property bags; `remove` is its delete. */
export function asResourceOperations(operations: TypedOperations, remove: (id: string, props: Props) => Promise<void>): ResourceOperations {
  return {
    configure: (req) => operations.configure(req),
    check: (olds, news) => operations.check(olds, news) as ReturnType<ResourceOperations["check"]>,
    diff: (id, olds, news) => operations.diff(id, olds as never, news as never),
    create: (inputs) => operations.create(inputs as never),
    read: (id, props) => operations.read(id, props),
    update: (id, olds, news) => operations.update(id, olds as never, news as never),
    delete: remove,
  };
}

/** What a resource folder declares; defineResource adds the type token and the secret outputs. */
export interface ResourceDefinition {
  /** The type's name, `ClusterCertificate`: the token is `cce-kubeconfig:index:<name>`. */
  name: string;
  schema: ResourceSchema;
  /** Object types the schema refers to (`#/types/<token>`), by token. */
  types?: Readonly<Record<string, ObjectTypeSpec>>;
  /** Inputs whose in-place change the operations' diff reports as a change (the detailed diff lists them). */
  updateInPlace: readonly string[];
  /** A new set of operations (each has its own stack config); the modules behind it load at the first call. */
  operations(options: ResourceOptions): ResourceOperations;
  /** Outputs derived from the stored ones that a host returns beside them (the Node resource derives them in the program). */
  derivedOutputs?(stored: Props): Props;
  /** Whether an update of `olds` to known `news` calls nothing that mints, so a preview may run it. @default always */
  updateMintsNothing?(olds: Props, news: Props): boolean;
}

export interface ResourceEntry extends ResourceDefinition {
  /** `cce-kubeconfig:index:<name>`. */
  type: string;
  /** The schema's input names, in order. */
  inputNames: readonly string[];
  /** Outputs the schema marks secret: the plugin returns them wrapped. */
  secretOutputs: readonly string[];
}

export function defineResource(definition: ResourceDefinition): ResourceEntry {
  const { properties, inputProperties } = definition.schema;
  return {
    ...definition,
    type: typeToken(definition.name),
    inputNames: Object.keys(inputProperties),
    secretOutputs: Object.keys(properties).filter((name) => properties[name]!.secret === true),
  };
}
