/** An error in a configuration file, naming the file, the key path, and the fix. */
export class ConfigError extends Error {
  override name = "ConfigError";
}
