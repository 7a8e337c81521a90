/**
 * The TypeScript language service over a notebook: every cell run so far is a module that exports
 * its top-level names and imports, from the latest earlier cell declaring them, the names it uses
 * but does not declare — so types flow from cell to cell as values do at run time, re-declarations
 * included. Completions, hover docs (inspect) and type checks of a new cell see all of them, with
 * Deno's types, the kernel's import map and `node_modules`.
 * @module
 */
import { join } from "node:path";
import type { TS } from "../typescript.ts";
import type { CellDiagnostic } from "../bridge.ts";
import { declaredNames } from "./names.ts";
import { completionPlace, keywordFits } from "./completion_place.ts";
import { type Completeness, isComplete } from "./is_complete.ts";
import { type ImportMap, makeResolver } from "./resolve.ts";

/** What the service needs to know about the kernel. */
export interface ServiceOptions {
  /** The notebook's folder (cells live there, as at run time). */
  cwd: string;
  /** Deno's type declarations (`deno types`). */
  denoTypes: string;
  importMap: ImportMap;
  /** The kernel's checkout: bare names not found from `cwd` resolve from here; `@types` too. */
  root: string;
}

interface VFile {
  text: string;
  version: number;
}

/** A completion entry as Jupyter wants it. */
export interface Completion {
  text: string;
  type: string;
}

const KIND_TO_JUPYTER: Record<string, string> = {
  function: "function",
  method: "function",
  "local function": "function",
  constructor: "function",
  class: "class",
  "local class": "class",
  interface: "interface",
  type: "type",
  enum: "enum",
  "enum member": "constant",
  var: "instance",
  let: "instance",
  const: "constant",
  "local var": "instance",
  property: "property",
  getter: "property",
  setter: "property",
  module: "module",
  "external module name": "module",
  keyword: "keyword",
  parameter: "param",
  "type parameter": "type",
  alias: "instance",
  string: "text",
};

/** The language service (see the module doc). */
export class NotebookService {
  readonly #files = new Map<string, VFile>();
  readonly #cells: { seq: number; file: string; names: Set<string>; exported: Set<string> }[] = [];
  readonly #ls: TS.LanguageService;
  readonly #denoFile: string;
  readonly #currentFile: string;

  constructor(readonly ts: typeof TS, readonly opts: ServiceOptions) {
    this.#denoFile = join(opts.root, "__seglab__", "deno.d.ts");
    this.#currentFile = join(opts.cwd, "__seglab_current.ts");
    const denoTypes = opts.denoTypes.replace(
      /^\/\/\/ <reference (no-default-lib|lib="deno\.[^"]*").*$/gm,
      "",
    );
    this.#files.set(this.#denoFile, { text: denoTypes, version: 1 });
    const typeRoots = [join(opts.root, "node_modules", "@types")];
    const options: TS.CompilerOptions = {
      target: ts.ScriptTarget.ESNext,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.esnext.d.ts"],
      types: ts.sys.directoryExists(join(typeRoots[0], "node")) ? ["node"] : [],
      typeRoots,
      strict: true,
      noEmit: true,
      allowJs: true,
      checkJs: false,
      skipLibCheck: true,
      resolveJsonModule: true,
      allowImportingTsExtensions: true,
      esModuleInterop: true,
      allowSyntheticDefaultImports: true,
      useDefineForClassFields: true,
    };
    const resolve = makeResolver(ts, options, opts.importMap, opts.root, (f) => this.#files.has(f));
    const files = this.#files;
    const host: TS.LanguageServiceHost = {
      getCompilationSettings: () => options,
      getScriptFileNames: () =>
        [this.#denoFile, ...this.#cells.map((c) => c.file), this.#currentFile].filter((f) => files.has(f)),
      getScriptVersion: (f) => String(files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const v = files.get(f);
        if (v) return ts.ScriptSnapshot.fromString(v.text);
        const text = ts.sys.readFile(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => opts.cwd,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: (f) => files.has(f) || ts.sys.fileExists(f),
      readFile: (f) => files.get(f)?.text ?? ts.sys.readFile(f),
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
      resolveModuleNameLiterals: (lits, containing) => resolve(lits, containing),
    };
    this.#ls = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  #parse(code: string): TS.SourceFile {
    return this.ts.createSourceFile(
      "cell.ts",
      code,
      this.ts.ScriptTarget.ESNext,
      true,
      this.ts.ScriptKind.TS,
    );
  }

  #exportedNames(sf: TS.SourceFile): Set<string> {
    const ts = this.ts;
    const out = new Set<string>();
    for (const s of sf.statements) {
      const mods = (s as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
      if (mods?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
        if (ts.isVariableStatement(s)) {
          for (const d of s.declarationList.declarations) if (ts.isIdentifier(d.name)) out.add(d.name.text);
        } else {
          const n = (s as unknown as { name?: TS.Identifier }).name;
          if (n) out.add(n.text);
        }
      } else if (
        ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause) && !s.moduleSpecifier
      ) {
        for (const el of s.exportClause.elements) out.add((el.propertyName ?? el.name).text);
      }
    }
    return out;
  }

  /** The text appended to a cell: its exports, and imports of earlier cells' names it uses. */
  #epilogue(names: Set<string>, exported: Set<string>, before: number): string {
    const lines = ["", ";export {};"];
    const own = [...names].filter((n) => !exported.has(n));
    if (own.length) lines.push(`export { ${own.join(", ")} };`);
    const from = new Map<string, string>();
    for (const c of this.#cells) {
      if (c.seq >= before) break;
      for (const n of c.names) from.set(n, c.file);
    }
    for (const [n, file] of from) {
      if (names.has(n)) continue;
      lines.push(`import { ${n} } from ${JSON.stringify("./" + file.slice(this.opts.cwd.length + 1))};`);
    }
    return lines.join("\n") + "\n";
  }

  /** Adds a cell that ran. */
  addCell(seq: number, code: string): void {
    const sf = this.#parse(code);
    const names = declaredNames(this.ts, sf);
    const exported = this.#exportedNames(sf);
    const file = join(this.opts.cwd, `__seglab_cell_${seq}.ts`);
    const text = code + this.#epilogue(names, exported, seq);
    this.#cells.push({ seq, file, names, exported });
    this.#files.set(file, { text, version: 1 });
  }

  #setCurrent(code: string, before = Infinity): string {
    const sf = this.#parse(code);
    const text = code + this.#epilogue(declaredNames(this.ts, sf), this.#exportedNames(sf), before);
    const prev = this.#files.get(this.#currentFile);
    this.#files.set(this.#currentFile, { text, version: (prev?.version ?? 0) + 1 });
    return this.#currentFile;
  }

  /**
   * Builds the program now — Deno's types, the cells so far and every `seglab` door of the import
   * map, parsed and bound — so the first completion that touches seglab is fast.
   */
  warm(): void {
    const doors = Object.keys(this.opts.importMap).filter((k) => k === "seglab" || k.startsWith("seglab/"));
    const imports = doors.map((d, i) => `import * as $__sgw${i} from ${JSON.stringify(d)};`).join("\n");
    const code = `${imports}\n${doors.map((_, i) => `$__sgw${i}.`).join("\n")}\n`;
    const file = this.#setCurrent(code);
    this.#ls.getSemanticDiagnostics(file);
    let at = imports.length + 1;
    doors.forEach((_, i) => {
      at += `$__sgw${i}.`.length;
      this.#ls.getCompletionsAtPosition(file, at, {});
      at += 1;
    });
    // A global completion and a signature, as the first requests will be (their code paths warm too).
    this.#ls.getCompletionsAtPosition(file, code.length, { includeCompletionsWithInsertText: true });
    this.#ls.getSignatureHelpItems(file, code.length, undefined);
    // And a cell's usual shape — a named import, then a name from it — through a fresh program,
    // as every request after this one gets.
    if (doors.includes("seglab")) {
      const cell = 'import { createLoss } from "seglab";\ncreateLoss({ type: "';
      const again = this.#setCurrent(cell);
      this.#ls.getCompletionsAtPosition(again, cell.length, { includeCompletionsWithInsertText: true });
      this.#ls.getQuickInfoAtPosition(again, cell.indexOf("createLoss("));
    }
    const last = this.#cells.at(-1);
    if (last) this.#ls.getSemanticDiagnostics(last.file);
  }

  /** Completions at UTF-16 offset `pos` of `code`. */
  complete(code: string, pos: number): { start: number; end: number; items: Completion[] } {
    const file = this.#setCurrent(code);
    const before = code.slice(0, pos);
    const prefix = /[\p{L}\p{N}_$]*$/u.exec(before)?.[0] ?? "";
    const after = /^[\p{L}\p{N}_$]*/u.exec(code.slice(pos))?.[0] ?? "";
    const start = pos - prefix.length;
    const info = this.#ls.getCompletionsAtPosition(file, pos, {
      includeCompletionsWithInsertText: true,
      includeCompletionsForModuleExports: false,
      includeCompletionsForImportStatements: false,
    });
    if (!info) return { start, end: pos, items: [] };
    const place = completionPlace(this.ts, this.#ls.getProgram()!.getSourceFile(file)!, start);
    let entries = info.entries.filter((e) =>
      !e.name.startsWith("$__sg") && !e.name.startsWith("__seglab") &&
      (e.kind !== "keyword" || keywordFits(e.name, place))
    );
    const exact = entries.filter((e) => e.name.startsWith(prefix));
    entries = exact.length || !prefix
      ? exact
      : entries.filter((e) => e.name.toLowerCase().startsWith(prefix.toLowerCase()));
    entries.sort((
      a,
      b,
    ) => (a.sortText < b.sortText ? -1 : a.sortText > b.sortText ? 1 : a.name.localeCompare(b.name)));
    const items = entries.slice(0, 500).map((e) => ({
      text: e.insertText ?? e.name,
      type: KIND_TO_JUPYTER[e.kind] ?? e.kind,
    }));
    return { start, end: pos + after.length, items };
  }

  /**
   * Hover information at UTF-16 offset `pos`: the signature and its documentation. On a name, that
   * name's; elsewhere inside a call's arguments (`createLoss(|)`), the callee's signature.
   */
  inspect(code: string, pos: number): { text: string; markdown: string } | undefined {
    const file = this.#setCurrent(code);
    const isId = (i: number) => i >= 0 && i < code.length && /[\p{L}\p{N}_$]/u.test(code[i]);
    const onName = isId(pos) || isId(pos - 1);
    const info = onName ? this.#ls.getQuickInfoAtPosition(file, isId(pos) ? pos : pos - 1) : undefined;
    const ts = this.ts;
    if (!info) return this.#signatureAt(file, pos);
    const signature = ts.displayPartsToString(info.displayParts);
    return hoverText(signature, ts.displayPartsToString(info.documentation), this.#tags(info.tags));
  }

  #tags(tags: TS.JSDocTagInfo[] | undefined): string[] {
    return (tags ?? []).map((t) => {
      const text = this.ts.displayPartsToString(t.text);
      return t.name === "example" ? `@example\n${text}` : `@${t.name}${text ? ` ${text}` : ""}`;
    });
  }

  /** The signature of the call whose arguments hold `pos`, with its docs and the current parameter's. */
  #signatureAt(file: string, pos: number): { text: string; markdown: string } | undefined {
    const help = this.#ls.getSignatureHelpItems(file, pos, undefined);
    if (!help || !help.items.length) return undefined;
    const ts = this.ts;
    const item = help.items[help.selectedItemIndex] ?? help.items[0];
    const parts = (p: TS.SymbolDisplayPart[]) => ts.displayPartsToString(p);
    const sep = parts(item.separatorDisplayParts);
    const signature = parts(item.prefixDisplayParts) +
      item.parameters.map((p) => parts(p.displayParts)).join(sep) + parts(item.suffixDisplayParts);
    const param = item.parameters[help.argumentIndex];
    const paramDoc = param && param.documentation.length
      ? `\`${param.name}\`: ${parts(param.documentation)}`
      : "";
    const doc = [parts(item.documentation), paramDoc].filter(Boolean).join("\n\n");
    const more = help.items.length > 1
      ? [`(+${help.items.length - 1} overload${help.items.length > 2 ? "s" : ""})`]
      : [];
    return hoverText(signature, doc, [...this.#tags(item.tags), ...more]);
  }

  /** Diagnostics of a cell about to run (positions 1-based, in the cell). */
  check(code: string, seq: number): CellDiagnostic[] {
    const file = this.#setCurrent(code, seq);
    const sf = this.#ls.getProgram()?.getSourceFile(file);
    const all = [...this.#ls.getSyntacticDiagnostics(file), ...this.#ls.getSemanticDiagnostics(file)];
    const ts = this.ts;
    const out: CellDiagnostic[] = [];
    for (const d of all) {
      if (d.start === undefined || d.start >= code.length || !sf) continue;
      const { line, character } = sf.getLineAndCharacterOfPosition(d.start);
      const category = d.category === ts.DiagnosticCategory.Error
        ? "error"
        : d.category === ts.DiagnosticCategory.Warning
        ? "warning"
        : d.category === ts.DiagnosticCategory.Suggestion
        ? "suggestion"
        : "message";
      out.push({
        line: line + 1,
        column: character + 1,
        code: d.code,
        category,
        message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      });
    }
    return out;
  }

  /** Whether `code` is a complete cell (for console frontends). */
  isComplete(code: string): Completeness {
    return isComplete(this.ts, code);
  }
}

/** Inspect's text and markdown forms of a signature, its documentation and its JSDoc tags. */
function hoverText(signature: string, doc: string, tags: string[]): { text: string; markdown: string } {
  const text = [signature, doc, ...tags].filter(Boolean).join("\n\n");
  const markdown = [
    "```typescript",
    signature,
    "```",
    doc,
    ...tags.map((t) => t.startsWith("@example") ? t.replace(/^@example\n?/, "**Example**\n\n") : `*${t}*`),
  ]
    .filter(Boolean).join("\n\n").replace("```\n\n", "```\n");
  return { text, markdown };
}

/** Converts a Jupyter cursor position (Unicode code points) to a UTF-16 offset. */
export function codePointsToUtf16(text: string, cp: number): number {
  let i = 0, n = 0;
  while (i < text.length && n < cp) {
    const c = text.codePointAt(i)!;
    i += c > 0xffff ? 2 : 1;
    n++;
  }
  return i;
}

/** Converts a UTF-16 offset to Unicode code points. */
export function utf16ToCodePoints(text: string, off: number): number {
  return [...text.slice(0, off)].length;
}
