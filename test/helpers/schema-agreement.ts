/**
 * Compares the plugin's schema with the TypeScript resource (src/provider/resource.ts) as the
 * compiler sees it: each input of ClusterCertificateArgs and each Output of ClusterCertificate,
 * by name, type and secret flag. A resource output is secret when the provider marks it so
 * (SECRET_OUTPUTS, its additionalSecretOutputs) or when the class derives it from the secret
 * kubeconfig in the program (a property assigned in the constructor, not a `declare`d one).
 */
import * as ts from "typescript";

export interface SchemaProperty {
  type?: string;
  items?: SchemaProperty;
  $ref?: string;
  secret?: boolean;
}

export interface ResourceSpec {
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
}

/** A type as both sides can say it: string, number, boolean, or array of a named object type. */
type Shape = string;

function schemaShape(p: SchemaProperty): Shape {
  if (p.$ref !== undefined) return `object ${p.$ref.split(":").at(-1)}`;
  if (p.type === "array") return `array of ${schemaShape(p.items ?? {})}`;
  if (p.type === "integer") return "number";
  return p.type ?? "unknown";
}

function tsShape(checker: ts.TypeChecker, type: ts.Type): Shape {
  if (type.isUnion()) {
    const parts = [...new Set(type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))).map((t) => tsShape(checker, t)))];
    return parts.length === 1 ? parts[0]! : parts.join(" | ");
  }
  if (type.flags & ts.TypeFlags.StringLike) return "string";
  if (type.flags & ts.TypeFlags.NumberLike) return "number";
  if (type.flags & ts.TypeFlags.BooleanLike) return "boolean";
  if (checker.isArrayType(type)) return `array of ${tsShape(checker, checker.getTypeArguments(type as ts.TypeReference)[0]!)}`;
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  return `object ${symbol?.getName() ?? checker.typeToString(type)}`;
}

/** The T of `pulumi.Input<T>` or `pulumi.Output<T>` as written. */
function wrapped(checker: ts.TypeChecker, node: ts.TypeNode | undefined): ts.Type | undefined {
  if (node === undefined || !ts.isTypeReferenceNode(node) || node.typeArguments?.length !== 1) return undefined;
  return checker.getTypeFromTypeNode(node.typeArguments[0]!);
}

export interface ResourceSide {
  inputs: Map<string, { shape: Shape; optional: boolean }>;
  outputs: Map<string, { shape: Shape; secret: boolean }>;
}

/** Reads the resource's inputs and outputs from its source with the type checker. */
export function readResource(file: string, secretOutputs: readonly string[], names = { args: "ClusterCertificateArgs", resource: "ClusterCertificate" }): ResourceSide {
  const program = ts.createProgram([file], { strict: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const side: ResourceSide = { inputs: new Map(), outputs: new Map() };
  ts.forEachChild(source, (node) => {
    if (ts.isInterfaceDeclaration(node) && node.name.text === names.args) {
      for (const member of node.members) {
        if (!ts.isPropertySignature(member)) continue;
        const inner = wrapped(checker, member.type);
        side.inputs.set(member.name.getText(source), { shape: inner ? tsShape(checker, inner) : "not an Input", optional: member.questionToken !== undefined });
      }
    }
    if (ts.isClassDeclaration(node) && node.name?.text === names.resource) {
      for (const member of node.members) {
        if (!ts.isPropertyDeclaration(member) || !member.type?.getText(source).startsWith("pulumi.Output<")) continue;
        const name = member.name.getText(source);
        const declared = member.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) ?? false;
        side.outputs.set(name, { shape: tsShape(checker, wrapped(checker, member.type)!), secret: secretOutputs.includes(name) || !declared });
      }
    }
  });
  return side;
}

/** Every disagreement between the schema's resource and the TypeScript resource, as sentences. */
export function disagreements(spec: ResourceSpec, side: ResourceSide): string[] {
  const found: string[] = [];
  const inputNames = new Set([...Object.keys(spec.inputProperties), ...side.inputs.keys()]);
  for (const name of inputNames) {
    const schema = spec.inputProperties[name];
    const resource = side.inputs.get(name);
    if (schema === undefined) found.push(`input ${name} is in the resource but not in the schema`);
    else if (resource === undefined) found.push(`input ${name} is in the schema but not in the resource`);
    else {
      if (schemaShape(schema) !== resource.shape) found.push(`input ${name} is ${schemaShape(schema)} in the schema but ${resource.shape} in the resource`);
      if (spec.requiredInputs.includes(name) === resource.optional) found.push(`input ${name} is ${resource.optional ? "optional" : "required"} in the resource only`);
      if (schema.secret === true) found.push(`input ${name} is secret in the schema, but no input of the resource is`);
    }
  }
  for (const [name, resource] of side.outputs) {
    const schema = spec.properties[name];
    if (schema === undefined) {
      found.push(`output ${name} is in the resource but not in the schema`);
      continue;
    }
    if (schemaShape(schema) !== resource.shape) found.push(`output ${name} is ${schemaShape(schema)} in the schema but ${resource.shape} in the resource`);
    if ((schema.secret === true) !== resource.secret) found.push(`output ${name} is ${resource.secret ? "" : "not "}secret in the resource but ${schema.secret ? "" : "not "}in the schema`);
  }
  // Outputs the schema has beyond the resource's are the inputs echoed (the Node resource has them as inputs).
  for (const name of Object.keys(spec.properties)) {
    if (!side.outputs.has(name) && !(name in spec.inputProperties)) found.push(`output ${name} is in the schema but not in the resource`);
  }
  return found;
}
