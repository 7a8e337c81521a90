/**
 * PaddleSeg YAML configs: parsing, `_base_` inheritance, checks with key paths.
 * @module
 */
export { parseConfig } from "./parse_config.ts";
export type { ParseConfigOptions, SeglabConfig } from "./parse_config.ts";
export { mergeConfig } from "./merge_config.ts";
export { applyOpts } from "./config_opts.ts";
export type { ConfigObject } from "./merge_config.ts";
export { ConfigError } from "./config_error.ts";
