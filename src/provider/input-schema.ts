/** Moved to resources/cluster-certificate/input-schema.ts with the input checks; kept for the modules and tests that import it from here. */
export { INPUT_NAMES, inputFields, show, type InputField, type ParsedInputs } from "../resources/cluster-certificate/input-schema";
