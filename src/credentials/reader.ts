/**
 * The SettingsReader every source of the chain reads through: stack config, then the environment,
 * by the setting's names in the host's namespace; blank values count as unset. One reader serves
 * one resolution, so a file two sources need (a KooCLI profile) is read once per call.
 */
import { configKey, nonEmpty, resolveSetting, sourcesOf, type Environment, type SettingName, type StackConfig } from "../config/settings";
import type { SettingsReader } from "./source";

export function settingsReader(config: StackConfig, env: Environment, noCredentials: () => string): SettingsReader {
  const s = sourcesOf(config);
  const memo = new Map<string, unknown>();
  const fromConfig = (n: SettingName) => resolveSetting(n, undefined, config, {});
  const fromEnv = (n: SettingName) => nonEmpty(env[s[n].env]);
  return {
    config,
    env,
    fromConfig,
    fromEnv,
    either: (n) => fromConfig(n) ?? fromEnv(n),
    where: (n) => (fromConfig(n) !== undefined ? configKey(s, n) : s[n].env),
    configName: (n) => configKey(s, n),
    envName: (n) => s[n].env,
    both: (n) => `${configKey(s, n)} / ${s[n].env}`,
    variable: (name) => nonEmpty(env[name]),
    noCredentials,
    once<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
}
