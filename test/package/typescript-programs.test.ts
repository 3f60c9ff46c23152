/**
 * Users' TypeScript sees the packed package as `tsc` does in a new project: every example and every
 * TypeScript program in the README is type-checked against the tarball installed in the shared
 * program folder, with the tsconfig `pulumi new typescript` writes (strict, CommonJS, classic node
 * resolution, no esModuleInterop, no skipLibCheck) and with `module: nodenext` (CommonJS and ES
 * module packages).
 *
 * Found as a new user would (issue #8): the public declarations pulled zod's into the user's
 * compilation, and the stock tsconfig failed with 64 errors inside zod's locale files.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { programDir } from "../helpers/program-dir";
import { NODENEXT_TSCONFIG, PULUMI_NEW_TSCONFIG } from "../helpers/pulumi-new-tsconfig";

const REPO = join(__dirname, "..", "..");
const TSC = require.resolve("typescript/bin/tsc");

const VARIANTS: Record<string, { compilerOptions: object; packageType?: "module" }> = {
  "pulumi new (commonjs, node)": { compilerOptions: PULUMI_NEW_TSCONFIG },
  "nodenext, a CommonJS package": { compilerOptions: NODENEXT_TSCONFIG },
  "nodenext, an ES module package": { compilerOptions: NODENEXT_TSCONFIG, packageType: "module" },
};

/** Every examples/<name>/index.ts, and each ```ts block of the README and of docs/exec-kubeconfig.md as a program of its own. */
function programs(): Array<{ name: string; source: string }> {
  const examples = readdirSync(join(REPO, "examples"))
    .filter((name) => existsSync(join(REPO, "examples", name, "index.ts")))
    .map((name) => ({ name: `example-${name}`, source: readFileSync(join(REPO, "examples", name, "index.ts"), "utf8") }));
  const readme = [...readFileSync(join(REPO, "README.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `readme-${i + 1}`,
    source: m[1]!,
  }));
  const execDoc = [...readFileSync(join(REPO, "docs", "exec-kubeconfig.md"), "utf8").matchAll(/```ts\n([\s\S]*?)```/g)].map((m, i) => ({
    name: `exec-kubeconfig-doc-${i + 1}`,
    source: m[1]!,
  }));
  expect(execDoc.length).toBeGreaterThan(0);
  return [...examples, ...readme, ...execDoc];
}

/** Writes the programs and a tsconfig into a fresh folder under the program folder, and runs tsc. */
async function typeCheck(
  folder: string,
  variant: { compilerOptions: object; packageType?: "module" },
  files: Array<{ name: string; source: string }>,
): Promise<{ ok: boolean; output: string }> {
  const dir = join(programDir(), "tsc", folder);
  mkdirSync(dir, { recursive: true });
  for (const file of files) writeFileSync(join(dir, `${file.name}.ts`), file.source);
  writeFileSync(
    join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: variant.compilerOptions, files: files.map((f) => `${f.name}.ts`) }, null, 2),
  );
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: folder, private: true, type: variant.packageType ?? "commonjs" }));
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [TSC, "--noEmit", "-p", dir], { cwd: dir });
    return { ok: true, output: `${stdout}${stderr}` };
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${stdout}${stderr}` };
  }
}

jest.setTimeout(120_000);

test("the README and examples hold the programs this suite checks", () => {
  const names = programs().map((p) => p.name);
  expect(names).toEqual(expect.arrayContaining(["example-basic", "example-kubernetes"]));
  expect(names.filter((n) => n.startsWith("readme-")).length).toBeGreaterThanOrEqual(3);
});

test.each(Object.entries(VARIANTS))("every example and README program compiles against the packed package: %s", async (name, variant) => {
  const folder = name.replace(/[^a-z]+/gi, "-");
  const result = await typeCheck(folder, variant, programs());
  expect(result.output).toBe("");
  expect(result.ok).toBe(true);
});

test("the declarations a program reaches load no implementation library (zod, undici, yaml, X.509)", () => {
  // Walk the .d.ts import graph of both entry points in the installed package.
  const root = dirname(require.resolve("pulumi-cce-kubeconfig/package.json", { paths: [programDir()] }));
  const seen = new Set<string>();
  const bare = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const [, spec] of text.matchAll(/(?:from|import\()\s*"([^"]+)"/g)) {
      if (spec!.startsWith(".")) {
        const target = join(dirname(file), spec!);
        visit(existsSync(`${target}.d.ts`) ? `${target}.d.ts` : join(target, "index.d.ts"));
      } else {
        bare.add(spec!);
      }
    }
  };
  visit(join(root, "dist", "index.d.ts"));
  visit(join(root, "dist", "emulator", "index.d.ts"));
  expect(seen.size).toBeGreaterThan(5);
  expect([...bare].filter((spec) => !spec.startsWith("node:") && !/^@pulumi\/pulumi(\/|$)/.test(spec))).toEqual([]);
  expect([...seen].map((f) => relative(root, f)).filter((f) => /schemas|input-schema|emulator\/(ca|config)\b/.test(f))).toEqual([]);
});

test("control: the stock tsconfig does fail on a program that reaches zod's declarations", async () => {
  const result = await typeCheck("control-zod", VARIANTS["pulumi new (commonjs, node)"]!, [
    { name: "index", source: 'import { z } from "zod";\nexport const schema = z.string();\n' },
  ]);
  expect(result.ok).toBe(false);
  expect(result.output).toMatch(/zod\/v4\/locales\/.*TS1259|TS1259.*zod/);
});

test("control: a wrong input type in a program fails the check", async () => {
  const result = await typeCheck("control-type-error", VARIANTS["pulumi new (commonjs, node)"]!, [
    {
      name: "index",
      source: 'import { ClusterCertificate } from "pulumi-cce-kubeconfig";\nnew ClusterCertificate("c", { clusterId: "x", duration: "365" });\n',
    },
  ]);
  expect(result.ok).toBe(false);
  expect(result.output).toMatch(/index\.ts\(2,\d+\): error TS2322/);
});
