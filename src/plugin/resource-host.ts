/**
 * The plugin's side of the resource registry: which resource a request is about (its type token),
 * and one set of operations per resource type, each configured with the provider's stack config.
 * A type the registry does not hold is refused, naming the ones it does.
 */
import type { StackConfig } from "../config/settings";
import { InvalidInputError } from "../errors";
import type * as Resources from "../resources";
import type { ResourceEntry, ResourceOperations, ResourceOptions } from "../resources";

/** A request that names its resource: every resource method's request has a URN; a newer engine also sends the type. */
export interface ResourceRequest {
  getUrn(): string;
  getType?(): string | undefined;
}

/**
 * The type token of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`): the last
 * of its qualified type.
 * @see https://www.pulumi.com/docs/iac/concepts/resources/names/#urns
 */
export function typeOfUrn(urn: string): string {
  return urn.split("::")[2]?.split("$").at(-1) ?? "";
}

export interface ResourceHost {
  /** Configure: the stack config every resource's operations read settings from. */
  configure(config: StackConfig): Promise<void>;
  /** The entry and the operations of the request's resource type. */
  forRequest(request: ResourceRequest): Promise<{ resource: ResourceEntry; operations: ResourceOperations }>;
}

/** Loads the registry (and the operations behind it) at the first request that needs it. */
export function resourceHost(loadRegistry: () => typeof Resources, options: ResourceOptions): ResourceHost {
  let stackConfig: StackConfig | undefined;
  const instances = new Map<string, ResourceOperations>();

  const entryOf = (type: string): ResourceEntry => {
    const { RESOURCES, PACKAGE_NAME } = loadRegistry();
    const resource = RESOURCES.find((entry) => entry.type === type);
    if (resource !== undefined) return resource;
    const served = RESOURCES.map((entry) => entry.type).join(", ");
    throw new InvalidInputError("type", `${JSON.stringify(type)} is not a resource of the ${PACKAGE_NAME} provider, which serves ${served}`);
  };

  return {
    async configure(config) {
      stackConfig = config;
      for (const operations of instances.values()) await operations.configure({ config });
    },
    async forRequest(request) {
      const resource = entryOf(request.getType?.() || typeOfUrn(request.getUrn()));
      let operations = instances.get(resource.type);
      if (operations === undefined) {
        operations = resource.operations(options);
        // Set before the await, so that a concurrent request gets this instance too.
        instances.set(resource.type, operations);
        if (stackConfig !== undefined) await operations.configure({ config: stackConfig });
      }
      return { resource, operations };
    },
  };
}
