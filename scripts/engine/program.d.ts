/** Types of program.js, for the TypeScript tests that use it. */
export declare const REPO_ROOT: string;
export declare const PULUMI_SDK_VERSION: string;
export declare const KUBERNETES_SDK_VERSION: string;
export declare function buildPackage(): void;
export declare function packPackage(destination: string): string;
export declare function installProgram(tarball: string, dir?: string, extra?: string[], type?: "commonjs" | "module"): string;
export declare function engineEnv(binDirs: string[], home: string): NodeJS.ProcessEnv;
export interface StackSpec {
  programDir: string;
  programFile: string;
  project: string;
  stack: string;
  backendUrl: string;
  op: "preview" | "up" | "refresh" | "destroy" | "export" | "export-secrets" | "outputs" | "remove" | "state-move";
  config?: Record<string, { value: string; secret?: boolean }>;
  /** For "state-move": `pulumi state move` of these URNs from `stack` to `destStack`. */
  move?: { destStack: string; urns: string[] };
  /** preview and up: refresh the state first, as `pulumi up --refresh` does. */
  refresh?: boolean;
  /** preview, up and destroy: resource operations in flight at once, as `--parallel` (the engine's default otherwise). */
  parallel?: number;
  /** up: URNs to replace, as `pulumi up --replace`. */
  replace?: string[];
}
export interface StackResult {
  ok: boolean;
  message?: string;
  output?: string;
  changes?: Record<string, number>;
  changeSummary?: Record<string, number>;
  /** The engine's steps for each resource URN, from preview, up and destroy. */
  steps?: Record<string, string[]>;
  /** up, refresh and destroy: every step the engine finished, in order, as `<op> <urn>`. */
  sequence?: string[];
  outputs?: Record<string, { value: unknown; secret: boolean }>;
  state?: string;
}
export declare function runStack(spec: StackSpec, env: NodeJS.ProcessEnv): Promise<StackResult>;
