/**
 * A small command-line parser for PaddleSeg-style options: `--name value`, `--name=value`,
 * flags (`--resume`), lists (`--crop_size 512 512`), dashes or underscores alike. Unknown options
 * are errors that list the known ones.
 * @module
 */
import { suggest } from "../config/schema.ts";

/** One option. */
export interface OptionDef {
  /** "string" | "int" | "number" | "flag" | "pair" (two integers) | "list" (one or more strings). */
  kind: "string" | "int" | "number" | "flag" | "pair" | "list";
  doc: string;
  /** Other names (e.g. PaddleSeg's `--model_path` for `--model`). */
  aliases?: string[];
  /** The value's name in `--help` (default PATH for strings, N for numbers). */
  arg?: string;
}

/** A command-line usage error (exit status 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Parses `argv` against `defs`; returns values by option name (undefined when absent). */
export function parseArgs(
  argv: readonly string[],
  defs: Record<string, OptionDef>,
  command: string,
): Record<string, string | number | boolean | [number, number] | string[] | undefined> {
  const byName = new Map<string, string>();
  for (const [name, d] of Object.entries(defs)) {
    for (const n of [name, ...(d.aliases ?? [])]) byName.set(n.replace(/-/g, "_"), name);
  }
  const out: Record<string, string | number | boolean | [number, number] | string[] | undefined> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      throw new UsageError(`${command}: unexpected argument "${a}" (options start with --; see --help)`);
    }
    const [rawName, inline] = a.slice(2).split(/=(.*)/s, 2);
    const key = rawName.replace(/-/g, "_");
    const name = byName.get(key);
    if (!name) {
      throw new UsageError(
        `${command}: unknown option --${rawName}${
          suggest(key, [...byName.keys()]).replace(/"(\w+)"/, '"--$1"')
        }; run with --help for the list`,
      );
    }
    const d = defs[name];
    const take = (): string => {
      if (inline !== undefined) return inline;
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) {
        throw new UsageError(`${command}: --${rawName} needs a value`);
      }
      return v;
    };
    if (d.kind === "list") {
      const vals = inline !== undefined ? [inline] : [take()];
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
        vals.push(argv[++i]);
      }
      out[name] = [...((out[name] as string[] | undefined) ?? []), ...vals];
    } else if (d.kind === "flag") {
      out[name] = inline === undefined ? true : !/^(false|0|no)$/i.test(inline);
    } else if (d.kind === "pair") {
      const vals = inline !== undefined ? inline.split(/[,x ]/) : [take(), take()];
      const nums = vals.map(Number);
      if (nums.length !== 2 || !nums.every((n) => Number.isInteger(n) && n > 0)) {
        throw new UsageError(
          `${command}: --${rawName} expects two positive integers (width height), got ${vals.join(" ")}`,
        );
      }
      out[name] = [nums[0], nums[1]];
    } else {
      const v = take();
      if (d.kind === "string") out[name] = v;
      else {
        const n = Number(v);
        if (!Number.isFinite(n) || (d.kind === "int" && !Number.isInteger(n))) {
          throw new UsageError(
            `${command}: --${rawName} expects ${d.kind === "int" ? "an integer" : "a number"}, got "${v}"`,
          );
        }
        out[name] = n;
      }
    }
  }
  return out;
}

/** The `--help` text. */
export function usage(command: string, summary: string, defs: Record<string, OptionDef>): string {
  const rows = Object.entries(defs).map(([n, d]) => {
    const arg = d.kind === "flag"
      ? ""
      : d.kind === "pair"
      ? " W H"
      : d.kind === "list"
      ? ` ${d.arg ?? "KEY=VALUE …"}`
      : ` ${d.arg ?? (d.kind === "string" ? "PATH" : "N")}`;
    const names = [n, ...(d.aliases ?? [])].map((x) => `--${x}`).join(", ");
    return [`  ${names}${arg}`, d.doc];
  });
  const w = Math.max(...rows.map((r) => r[0].length));
  return `${command}: ${summary}\n\n${rows.map(([a, b]) => `${a.padEnd(w)}  ${b}`).join("\n")}\n`;
}
