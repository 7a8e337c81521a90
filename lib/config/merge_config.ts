/**
 * PaddleSeg's `_base_` merge: dicts merge key by key (the child wins), lists and scalars are
 * replaced whole, and `_inherited_: false` in a child dict replaces the base's dict instead of
 * merging into it.
 * @module
 */

/** A parsed YAML mapping. */
export type ConfigObject = Record<string, unknown>;

function isObject(x: unknown): x is ConfigObject {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Removes every `_inherited_` key (recursively) — it only steers merging. */
export function stripInherited(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripInherited);
  if (!isObject(x)) return x;
  const out: ConfigObject = {};
  for (const [k, v] of Object.entries(x)) if (k !== "_inherited_") out[k] = stripInherited(v);
  return out;
}

/** `child` merged over `base` with PaddleSeg's rules. Inputs are not modified. */
export function mergeConfig(base: ConfigObject, child: ConfigObject): ConfigObject {
  const out: ConfigObject = { ...base };
  for (const [k, v] of Object.entries(child)) {
    const b = base[k];
    if (isObject(v) && isObject(b) && v._inherited_ !== false) out[k] = mergeConfig(b, v);
    else out[k] = v;
  }
  return out;
}
