/**
 * Papermill's parameter conventions for any kernel language with a translator: the first code
 * cell tagged `parameters` holds the defaults; given values go into a new cell tagged
 * `injected-parameters` right after it (replacing one left by an earlier run). Values are typed
 * as YAML 1.2 reads them (`-p n=7` is a number, `-p name=abc` a string, `-p xs=[1,2]` a list);
 * `-r name=value` keeps the text as a string. A name the parameters cell does not declare is
 * still injected, with a warning (as papermill does); so is a value whose type differs from the
 * default's.
 *
 * @example
 * ```ts
 * import { injectParameters, parseParameterArg } from "./parameters.ts";
 * import { parseNotebook } from "./notebook.ts";
 * import { translatorFor } from "./translators.ts";
 * const nb = parseNotebook(await Deno.readTextFile("notebooks/lovasz_hinge_roads.ipynb"));
 * const [name, value] = parseParameterArg("iters=200"); // ["iters", 200]
 * const r = injectParameters(nb, { [name]: value }, translatorFor("typescript"));
 * console.log(r.warnings, r.notebook.cells[r.injectedIndex!].source);
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import YAML from "yaml";
import { type Cell, cellSource, cellTags, type CodeCell, newCellId, type Notebook } from "./notebook.ts";
import type { DeclaredParameter, ParamValue, Translator } from "./translators.ts";

/** The tag of the cell holding the defaults. */
export const PARAMETERS_TAG = "parameters";
/** The tag of the cell the runner writes. */
export const INJECTED_TAG = "injected-parameters";

/** A parameter given wrongly (`-p` without `=`, a params file that is not a mapping…). */
export class ParameterError extends Error {
  override name = "ParameterError";
}

/**
 * Parses `name=value`: the value as YAML reads it, or the raw text with `raw`.
 * @throws {ParameterError} without `=` or with an empty name.
 */
export function parseParameterArg(arg: string, raw = false): [string, ParamValue] {
  const eq = arg.indexOf("=");
  if (eq <= 0) {
    throw new ParameterError(
      `parameter "${arg}" must be name=value (e.g. -p iters=200, -p loss=lovasz, -p 'classes=[1,2]')`,
    );
  }
  const name = arg.slice(0, eq).trim();
  const text = arg.slice(eq + 1);
  if (raw) return [name, text];
  try {
    return [name, yamlValue(YAML.parse(text))];
  } catch (e) {
    throw new ParameterError(
      `parameter ${name}: cannot read ${JSON.stringify(text)} as YAML (${
        (e as Error).message
      }); use -r ${name}=… for a plain string`,
    );
  }
}

function yamlValue(v: unknown): ParamValue {
  if (v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), yamlValue(x)]));
  if (Array.isArray(v)) return v.map(yamlValue);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, yamlValue(x)]));
  }
  return v as ParamValue;
}

/**
 * Reads a YAML or JSON file holding a mapping of parameter names to values.
 * @throws {ParameterError} when it cannot be read, parsed, or is not a mapping.
 */
export async function readParamsFile(path: string): Promise<Record<string, ParamValue>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ParameterError(
      `cannot read the params file ${path}: ${code === "ENOENT" ? "no such file" : (e as Error).message}`,
    );
  }
  let v: unknown;
  try {
    v = YAML.parse(text, { prettyErrors: true });
  } catch (e) {
    throw new ParameterError(`the params file ${path} is not valid YAML or JSON: ${(e as Error).message}`);
  }
  if (v === null || v === undefined) return {};
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new ParameterError(
      `the params file ${path} must hold a mapping of names to values (e.g. "iters: 200"), not a ${
        Array.isArray(v) ? "list" : typeof v
      }`,
    );
  }
  return yamlValue(v) as Record<string, ParamValue>;
}

/** The index of the first code cell tagged `parameters`, or -1. */
export function findParametersCell(nb: Notebook): number {
  return nb.cells.findIndex((c) => c.cell_type === "code" && cellTags(c).includes(PARAMETERS_TAG));
}

/** The parameters a notebook declares (its `parameters` cell), for `nb params` and checks. */
export function notebookParameters(nb: Notebook, translator: Translator): DeclaredParameter[] {
  const i = findParametersCell(nb);
  return i < 0 ? [] : translator.declared(cellSource(nb.cells[i]));
}

/** The result of {@linkcode injectParameters}. */
export interface Injection {
  /** A new notebook (the input is not modified). */
  notebook: Notebook;
  /** Index of the injected cell, or undefined when nothing was given. */
  injectedIndex?: number;
  /** Index of the parameters cell, or -1. */
  parametersIndex: number;
  /** Things the user should know (unknown names, changed types, no parameters cell). */
  warnings: string[];
}

function kindOf(v: ParamValue | undefined): string {
  if (v === undefined) return "unknown";
  if (v === null) return "null";
  if (Array.isArray(v)) return "list";
  return typeof v === "object" ? "mapping" : typeof v;
}

/**
 * Injects `params` after the `parameters` cell (at the top when there is none, with a warning).
 * Cells tagged `injected-parameters` from an earlier run are removed first.
 * @throws {ParameterError} for a name the language cannot assign.
 */
export function injectParameters(
  nb: Notebook,
  params: Record<string, ParamValue>,
  translator: Translator,
  opts: { header?: string } = {},
): Injection {
  const cells = nb.cells.filter((c) => !cellTags(c).includes(INJECTED_TAG));
  const out: Notebook = { ...nb, cells };
  const warnings: string[] = [];
  const names = Object.keys(params);
  const pIndex = cells.findIndex((c) => c.cell_type === "code" && cellTags(c).includes(PARAMETERS_TAG));
  if (names.length === 0) return { notebook: out, parametersIndex: pIndex, warnings };
  for (const n of names) {
    if (!translator.validName(n)) {
      throw new ParameterError(`parameter name "${n}" is not a valid ${translator.language} identifier`);
    }
  }
  let declared = new Map<string, DeclaredParameter>();
  if (pIndex < 0) {
    warnings.push(
      `the notebook has no cell tagged "${PARAMETERS_TAG}"; the parameters are injected at the top`,
    );
  } else {
    declared = new Map(translator.declared(cellSource(cells[pIndex])).map((d) => [d.name, d]));
    for (const n of names) {
      const d = declared.get(n);
      if (!d) {
        warnings.push(
          `parameter "${n}" is not declared in the parameters cell (cell ${pIndex + 1}; it declares ${
            declared.size ? [...declared.keys()].join(", ") : "nothing"
          }); injecting it anyway`,
        );
      } else if (d.value !== undefined && d.value !== null && params[n] !== null) {
        const a = kindOf(d.value), b = kindOf(params[n]);
        if (a !== b) {
          warnings.push(
            `parameter "${n}": the default is a ${a} (${d.source}), the given value is a ${b} (${
              JSON.stringify(params[n])
            })`,
          );
        }
      }
    }
  }
  const c = translator.comment;
  const lines = [
    `${c} ${opts.header ?? "Parameters injected by seglab nb"}`,
    ...names.map((n) => translator.assign(n, params[n], declared.get(n)?.kind)),
  ];
  const injected: CodeCell = {
    cell_type: "code",
    id: uniqueId(cells),
    source: lines.join("\n") + "\n",
    metadata: { tags: [INJECTED_TAG] },
    outputs: [],
    execution_count: null,
  };
  const at = pIndex < 0 ? 0 : pIndex + 1;
  cells.splice(at, 0, injected);
  return { notebook: out, injectedIndex: at, parametersIndex: pIndex, warnings };
}

function uniqueId(cells: Cell[]): string {
  const ids = new Set(cells.map((c) => c.id));
  let id = "injected-parameters";
  while (ids.has(id)) id = `injected-${newCellId()}`;
  return id;
}
