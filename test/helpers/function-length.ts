/**
 * Function lengths of TypeScript sources, read from the TypeScript AST: every function-like node
 * with a body (declarations, function expressions, arrow functions, methods, accessors,
 * constructors), counted from the line it starts on (its JSDoc excluded) to the line it ends on.
 * Pure over file texts, so a test can plant a long function and see the check fail.
 */
import * as ts from "typescript";

export interface FunctionLength {
  /** The file as given, then `:line` of the function's first line (1-based). */
  where: string;
  name: string;
  lines: number;
}

/** The name a reader would look the function up by: its own, else what it is assigned to. */
function nameOf(node: ts.SignatureDeclaration, source: ts.SourceFile): string {
  if (ts.isConstructorDeclaration(node)) return "constructor";
  if (node.name !== undefined) return node.name.getText(source);
  const parent = node.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.initializer === node) {
    return parent.name.getText(source);
  }
  return "<anonymous>";
}

/** Every function-like node with a body in `text`, with its length in lines. */
export function functionLengths(file: string, text: string): FunctionLength[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: FunctionLength[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      found.push({ where: `${file}:${start + 1}`, name: nameOf(node, source), lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The functions of `sources` (file → text) longer than `maxLines`, as `file:line name (N lines)`. */
export function longFunctions(sources: ReadonlyMap<string, string>, maxLines: number): string[] {
  const long: string[] = [];
  for (const [file, text] of sources) {
    for (const fn of functionLengths(file, text)) {
      if (fn.lines > maxLines) long.push(`${fn.where} ${fn.name} (${fn.lines} lines)`);
    }
  }
  return long;
}
