/**
 * Module resolution for the language service, the way the kernel's Deno resolves: the import map
 * of the kernel's `deno.json`, `npm:` specifiers (looked up in `node_modules`), relative paths
 * with extensions, and bare names through `node_modules` — from the notebook's folder first,
 * then from the kernel's checkout.
 * @module
 */
import { dirname, join } from "node:path";
import type { TS } from "../typescript.ts";

/** An import map: bare specifier (or prefix ending in "/") → target. */
export type ImportMap = Record<string, string>;

/** Reads the `imports` of a deno.json (targets made absolute against its folder). */
export function readImportMap(denoJson: string): ImportMap {
  try {
    const cfg = JSON.parse(Deno.readTextFileSync(denoJson)) as { imports?: Record<string, string> };
    const base = dirname(denoJson);
    const out: ImportMap = {};
    for (const [k, v] of Object.entries(cfg.imports ?? {})) {
      out[k] = v.startsWith("./") || v.startsWith("../") ? join(base, v) + (v.endsWith("/") ? "/" : "") : v;
    }
    return out;
  } catch {
    return {};
  }
}

/** `npm:@scope/name@1.2/sub` → `@scope/name/sub`. */
export function npmToBare(spec: string): string {
  const s = spec.slice(4).replace(/^\//, "");
  const m = /^(@[^/]+\/[^@/]+|[^@/]+)(?:@[^/]*)?(\/.*)?$/.exec(s);
  return m ? m[1] + (m[2] ?? "") : s;
}

/** Applies the import map to a bare specifier (undefined when it does not match). */
export function mapSpecifier(spec: string, map: ImportMap): string | undefined {
  if (map[spec] !== undefined) return map[spec];
  let best = "";
  for (const k of Object.keys(map)) {
    if (k.endsWith("/") && spec.startsWith(k) && k.length > best.length) best = k;
  }
  return best ? map[best] + spec.slice(best.length) : undefined;
}

/** A resolver for `ts.LanguageServiceHost.resolveModuleNameLiterals`. */
export function makeResolver(
  ts: typeof TS,
  options: TS.CompilerOptions,
  map: ImportMap,
  fallbackDir: string,
  virtualExists: (f: string) => boolean = () => false,
) {
  const host: TS.ModuleResolutionHost = {
    fileExists: (f) => virtualExists(f) || ts.sys.fileExists(f),
    readFile: ts.sys.readFile,
    directoryExists: ts.sys.directoryExists,
    realpath: ts.sys.realpath,
    getCurrentDirectory: () => fallbackDir,
  };
  const fallbackFile = join(fallbackDir, "__seglab_resolve.ts");
  const resolveOne = (spec: string, containing: string, depth = 0): TS.ResolvedModuleFull | undefined => {
    if (depth > 4) return undefined;
    if (spec.startsWith("npm:")) return resolveOne(npmToBare(spec), containing, depth + 1);
    if (spec.startsWith("jsr:") || spec.startsWith("http:") || spec.startsWith("https:")) return undefined;
    const isBare = !spec.startsWith(".") && !spec.startsWith("/") && !spec.startsWith("file:") &&
      !spec.startsWith("node:");
    if (isBare) {
      const mapped = mapSpecifier(spec, map);
      if (mapped !== undefined) {
        if (mapped.startsWith("npm:")) return resolveOne(mapped, containing, depth + 1);
        if (mapped.startsWith("/")) return resolveOne(mapped, containing, depth + 1);
      }
    }
    const path = spec.startsWith("file:") ? new URL(spec).pathname : spec;
    const r = ts.resolveModuleName(path, containing, options, host).resolvedModule;
    if (r) return r;
    if (isBare) return ts.resolveModuleName(path, fallbackFile, options, host).resolvedModule;
    return undefined;
  };
  return (
    literals: readonly TS.StringLiteralLike[],
    containing: string,
  ): TS.ResolvedModuleWithFailedLookupLocations[] =>
    literals.map((lit) => ({ resolvedModule: resolveOne(lit.text, containing) }));
}
