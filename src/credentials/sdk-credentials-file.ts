/**
 * The official Go and Python SDKs' credentials file: INI, `HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else
 * `~/.huaweicloud/credentials`, section `[basic]` (the SDKs' credentials for project-scoped
 * services such as CCE): `ak` + `sk` (+ `security_token`), or `idp_id` + `id_token_file`, which
 * the SDKs take first; `project_id` applies to either. After the SDKs' variables, as in their
 * own chain (environment, then this file, then metadata). The default file is skipped when it is
 * absent or has no `[basic]` credentials; a file named by the variable must hold them. Errors
 * name the file and keys, never a value.
 */
import { homedir } from "node:os";
import { join } from "node:path";
import { readCappedFile } from "../config/capped-file";
import { CredentialsError } from "../errors";
import { keyPairMethod } from "./key-pair";
import type { ChainSource, SettingsReader } from "./source";
import type { AuthMethod } from "./types";

const FILE_VARIABLE = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/** An SDK credentials file is a few hundred bytes. */
const MAX_FILE_BYTES = 64 * 1024;

/** The sections of an INI text: `[name]` then `key = value` lines; `#` and `;` start comments; quotes around a value are dropped. */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header !== null) {
      current = sections.get(header[1]!) ?? new Map<string, string>();
      sections.set(header[1]!, current);
      continue;
    }
    const eq = line.search(/[=:]/);
    if (current === undefined || eq <= 0) continue;
    const value = line.slice(eq + 1).trim().replace(/^(["'`])(.*)\1$/, "$2");
    current.set(line.slice(0, eq).trim(), value);
  }
  return sections;
}

/** The file's `[basic]` section; undefined when the default file is absent. */
function basicSection(read: SettingsReader): { where: string; named: boolean; basic: Map<string, string> | undefined } | undefined {
  const named = read.variable(FILE_VARIABLE);
  const path = named ?? join(read.variable("HOME") ?? homedir(), ".huaweicloud", "credentials");
  const where = named === undefined ? `the SDK credentials file ${path}` : `the SDK credentials file ${path} (named by ${FILE_VARIABLE})`;
  const file = readCappedFile(path, MAX_FILE_BYTES);
  if (!file.ok && file.problem === "missing" && named === undefined) return undefined;
  if (!file.ok) throw new CredentialsError(`${where} ${file.reason}${named === undefined ? "" : `: point ${FILE_VARIABLE} at the SDKs' INI credentials file, or unset it`}`);
  return { where, named: named !== undefined, basic: parseIni(file.bytes.toString("utf8")).get("basic") };
}

/**
 * The file's method. The default file, which the user may have set up for SDK scripts and not for
 * this, is only skipped when a source before it is complete; a file named by the variable, or the
 * default one when nothing else is set, fails naming what is wrong.
 */
function detect(read: SettingsReader, earlierComplete: boolean): AuthMethod | undefined {
  if (earlierComplete && read.variable(FILE_VARIABLE) === undefined) {
    try {
      return fileMethod(read);
    } catch (error) {
      if (error instanceof CredentialsError) return undefined;
      throw error;
    }
  }
  return fileMethod(read);
}

function fileMethod(read: SettingsReader): AuthMethod | undefined {
  const found = basicSection(read);
  if (found === undefined) return undefined;
  const { where, named, basic } = found;
  const key = (name: string) => {
    const value = basic?.get(name)?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  const projectId = key("project_id");
  const [idpId, tokenFile, accessKey, secretKey] = [key("idp_id"), key("id_token_file"), key("ak"), key("sk")];
  if (idpId !== undefined && tokenFile !== undefined) {
    const method: AuthMethod = { kind: "oidc", idpId, idToken: { file: tokenFile, from: `id_token_file in ${where}` }, from: `[basic] idp_id + id_token_file in ${where}` };
    return projectId === undefined ? method : { ...method, projectId };
  }
  if (accessKey !== undefined && secretKey !== undefined) return keyPairMethod(accessKey, secretKey, key("security_token"), `[basic] ak + sk in ${where}`, projectId);
  const half = [accessKey === undefined ? "ak" : "sk", idpId === undefined ? "idp_id" : "id_token_file"];
  if (accessKey !== undefined || secretKey !== undefined || idpId !== undefined || tokenFile !== undefined) {
    throw new CredentialsError(`${where} has half a credential in [basic]: set ${accessKey !== undefined || secretKey !== undefined ? half[0] : half[1]} too`);
  }
  if (named) throw new CredentialsError(`${where} has no [basic] section with ak + sk or idp_id + id_token_file`);
  return undefined;
}

export const sdkCredentialsFile: ChainSource = {
  label: "the Huawei Cloud SDKs' credentials file",
  row: {
    config: "(none: the SDKs' file)",
    env: "`HUAWEICLOUD_SDK_CREDENTIALS_FILE`, else `~/.huaweicloud/credentials`",
    note: "INI section `[basic]`: `ak` + `sk` (+ `security_token`), or `idp_id` + `id_token_file`, with `project_id`; as the SDKs read it after their variables; the default file is skipped when absent",
  },
  lookedAt: () => `the SDKs' credentials file (${FILE_VARIABLE}, default ~/.huaweicloud/credentials)`,
  detect,
};
