/**
 * Turns a notebook cell into a module the kernel can run, keeping the cell's own positions:
 *
 * - a prologue publishes every top-level declaration (`const`, `let`, `var`, `function`, `class`,
 *   `enum`, namespaces, imports) as a global accessor bound to this cell's binding, so later cells
 *   see it and any later cell may declare the same name again (REPL semantics);
 * - the last expression statement becomes the cell's result;
 * - every loop gets a guard that reads the interrupt flag, and every `await` a check, so an
 *   interrupt stops `while (true) {}` and interrupted async work does not resume;
 * - syntax errors are found here, with the cell's line and column.
 *
 * A cell that needs module semantics (static `import`/`export`, `import.meta`, dynamic `import()`,
 * top-level `this` or `return`) runs as a real ES module (static imports, the import map, `npm:`
 * specifiers and top-level await all work natively; Deno strips the types). Every other cell also
 * gets a script form ({@linkcode RewrittenCell.script}): the same code inside a strict
 * `(async () => { … })()` on the same lines, which the kernel evaluates without the cost of loading
 * a module — same bindings, same result, same positions.
 * @module
 */
import type { TS } from "../typescript.ts";
import { applyEdits, type Edit, lineStarts, offsetToLineCol, type PositionMap } from "./edits.ts";

/** How a published name was declared. */
export type DeclKind = "const" | "let" | "var" | "function" | "class" | "enum" | "namespace" | "import";

/** A syntax error at a cell position (1-based). */
export interface CellSyntaxError {
  line: number;
  column: number;
  message: string;
}

/** The result of {@linkcode rewriteCell}. */
export interface RewrittenCell {
  /** The module source to run. */
  code: string;
  /** Maps positions in `code` back to the cell. */
  map: PositionMap;
  /** Syntax errors (the cell must not run when there are any). */
  syntaxErrors: CellSyntaxError[];
  /** Top-level names the cell declares. */
  names: { name: string; kind: DeclKind }[];
  /** True when the last statement is an expression (the cell has a result). */
  hasResult: boolean;
  /**
   * The cell as a classic script whose completion value is an async function that runs it (types
   * not yet stripped), or undefined when the cell needs module semantics ({@linkcode moduleOnly}
   * says why). Positions map through `script.map` as module positions map through `map`.
   */
  script?: { code: string; map: PositionMap };
  /** Why the cell must run as a module (undefined when it has a script form). */
  moduleOnly?: string;
}

/** What the script form opens with: strict, and an async function so top-level await works. */
export const SCRIPT_OPEN = `"use strict"; (async () => { `;
/** What closes the script form (on a line of its own: the cell may end in a line comment). */
export const SCRIPT_CLOSE = `\n})`;

/** Identifiers the rewrite introduces (chosen not to clash with user code). */
export const CELL_HOOK = "$__sg";
export const FLAG = "$__sgF";
/** `globalThis[Symbol.for(CELL_REGISTRY)](id)` returns the cell's hook object. */
export const CELL_REGISTRY = "seglab.kernel.cell";

function hasModifier(_ts: typeof TS, node: TS.Node, kind: TS.SyntaxKind): boolean {
  const mods = (node as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
  return !!mods?.some((m) => m.kind === kind);
}

function bindingNames(ts: typeof TS, name: TS.BindingName, out: string[]): void {
  if (ts.isIdentifier(name)) out.push(name.text);
  else {
    for (const el of name.elements) {
      if (ts.isOmittedExpression(el)) continue;
      bindingNames(ts, el.name, out);
    }
  }
}

/** True when a namespace declaration has runtime content (TypeScript emits an object for it). */
function isInstantiated(ts: typeof TS, node: TS.ModuleDeclaration): boolean {
  const body = node.body;
  if (!body) return false;
  if (ts.isModuleDeclaration(body)) return isInstantiated(ts, body);
  if (!ts.isModuleBlock(body)) return false;
  return body.statements.some((s) =>
    !(ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) ||
      (ts.isModuleDeclaration(s) && !isInstantiated(ts, s)) ||
      (ts.isImportDeclaration(s)) || hasModifier(ts, s, ts.SyntaxKind.DeclareKeyword))
  );
}

function jsString(s: string): string {
  return JSON.stringify(s);
}

/** The statement that gives the cell its result, skipping trailing type-only declarations. */
function lastValueStatement(ts: typeof TS, sf: TS.SourceFile): TS.Statement | undefined {
  for (let i = sf.statements.length - 1; i >= 0; i--) {
    const s = sf.statements[i];
    if (ts.isEmptyStatement(s) || ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s)) continue;
    return s;
  }
  return undefined;
}

/** True when `{ … }` written as a statement reads as an object literal (`{ a: 1 }` at the end of a cell). */
function blockIsObjectLiteral(ts: typeof TS, text: string): boolean {
  const sf = ts.createSourceFile("obj.ts", `(${text})`, ts.ScriptTarget.ESNext, false, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics;
  if (diags.length || sf.statements.length !== 1) return false;
  const s = sf.statements[0];
  return ts.isExpressionStatement(s) && ts.isParenthesizedExpression(s.expression) &&
    ts.isObjectLiteralExpression(s.expression.expression);
}

/** Parses `code` as TypeScript; the syntax errors at cell positions. */
export function syntaxErrors(
  ts: typeof TS,
  code: string,
  fileName = "cell.ts",
): { sf: TS.SourceFile; errors: CellSyntaxError[] } {
  const sf = ts.createSourceFile(fileName, code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  const starts = lineStarts(code);
  const errors = diags.map((d) => {
    const { line, column } = offsetToLineCol(starts, d.start);
    return { line, column, message: ts.flattenDiagnosticMessageText(d.messageText, "\n") };
  });
  return { sf, errors };
}

/** What {@linkcode declarations} found in a cell's top level. */
interface Declarations {
  edits: Edit[];
  /** Extra `import * as` lines, appended at the end of the cell. */
  importNs: string[];
  /** The prologue's definitions (`def`/`imp` calls) publishing names to later cells. */
  defs: string[];
  names: { name: string; kind: DeclKind }[];
  /** Why the cell must run as a module (a static import, a hashbang…), if it must. */
  moduleOnly?: string;
}

/**
 * A cell's top-level declarations, published to later cells; imports become namespace imports
 * (so later cells see live bindings); relative specifiers made absolute against `specifierBase`.
 */
function declarations(
  ts: typeof TS,
  sf: TS.SourceFile,
  code: string,
  specifierBase: string | undefined,
): Declarations {
  const names: { name: string; kind: DeclKind }[] = [];
  const edits: Edit[] = [];
  const importNs: string[] = [];
  const defs: string[] = [];
  const seen = new Set<string>();
  const publish = (name: string, kind: DeclKind, expr: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    names.push({ name, kind });
    defs.push(expr);
  };
  const local = (name: string, kind: DeclKind) => {
    const setter = kind === "const" ? "0" : `(v) => { ${name} = v; }`;
    publish(name, kind, `${CELL_HOOK}.def(${jsString(name)}, ${jsString(kind)}, () => ${name}, ${setter});`);
  };

  let moduleOnly: string | undefined = code.startsWith("#!")
    ? "a hashbang line"
    : /<!--|-->/.test(code)
    ? "an HTML-like comment (scripts and modules read it differently)"
    : undefined;
  for (const s of sf.statements) {
    if (
      ts.isImportDeclaration(s) || ts.isImportEqualsDeclaration(s) || ts.isExportDeclaration(s) ||
      ts.isExportAssignment(s) || hasModifier(ts, s, ts.SyntaxKind.ExportKeyword)
    ) moduleOnly ??= "a static import or export";
    if (hasModifier(ts, s, ts.SyntaxKind.DeclareKeyword)) continue;
    if (ts.isVariableStatement(s)) {
      const flags = s.declarationList.flags;
      const kind: DeclKind = flags & ts.NodeFlags.Const || flags & ts.NodeFlags.Using
        ? "const"
        : flags & ts.NodeFlags.Let
        ? "let"
        : "var";
      for (const d of s.declarationList.declarations) {
        const ns: string[] = [];
        bindingNames(ts, d.name, ns);
        for (const n of ns) local(n, kind);
      }
    } else if (ts.isFunctionDeclaration(s) && s.name && s.body) {
      local(s.name.text, "function");
    } else if (ts.isClassDeclaration(s) && s.name) {
      local(s.name.text, "class");
    } else if (ts.isEnumDeclaration(s) && !hasModifier(ts, s, ts.SyntaxKind.ConstKeyword)) {
      local(s.name.text, "enum");
    } else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name) && isInstantiated(ts, s)) {
      local(s.name.text, "namespace");
    } else if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      const spec = s.moduleSpecifier as TS.StringLiteral;
      if (specifierBase && (spec.text.startsWith("./") || spec.text.startsWith("../"))) {
        edits.push({
          pos: spec.getStart(sf),
          del: spec.getWidth(sf),
          text: jsString(new URL(spec.text, specifierBase).href),
        });
      }
      if (!clause || clause.isTypeOnly) continue;
      const nsName = `$__sgNs${importNs.length}`;
      const specText = specifierBase && (spec.text.startsWith("./") || spec.text.startsWith("../"))
        ? jsString(new URL(spec.text, specifierBase).href)
        : spec.getText(sf);
      const attrs = s.attributes ? ` ${s.attributes.getText(sf)}` : "";
      let usesNs = false;
      const viaNs = (local: string, exported: string) => {
        usesNs = true;
        publish(local, "import", `${CELL_HOOK}.imp(${jsString(local)}, ${nsName}, ${jsString(exported)});`);
      };
      if (clause.name) viaNs(clause.name.text, "default");
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) {
        publish(
          nb.name.text,
          "import",
          `${CELL_HOOK}.def(${jsString(nb.name.text)}, "import", () => ${nb.name.text}, 0);`,
        );
      } else if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          if (el.isTypeOnly) continue;
          viaNs(el.name.text, (el.propertyName ?? el.name).text);
        }
      }
      if (usesNs) importNs.push(`import * as ${nsName} from ${specText}${attrs};`);
    } else if (ts.isExportDeclaration(s) && s.moduleSpecifier && specifierBase) {
      const spec = s.moduleSpecifier as TS.StringLiteral;
      if (spec.text.startsWith("./") || spec.text.startsWith("../")) {
        edits.push({
          pos: spec.getStart(sf),
          del: spec.getWidth(sf),
          text: jsString(new URL(spec.text, specifierBase).href),
        });
      }
    }
  }

  return { edits, importNs, defs, names, moduleOnly };
}

/** Edits that hand the cell's value to the result hook. */
function resultEdits(ts: typeof TS, sf: TS.SourceFile): { hasResult: boolean; edits: Edit[] } {
  const edits: Edit[] = [];
  // Result: the last expression statement (or a trailing `{ a: 1 }` that reads as an object).
  let hasResult = false;
  const last = lastValueStatement(ts, sf);
  if (last && ts.isExpressionStatement(last)) {
    hasResult = true;
    // A comma expression (`a, b`) is the value of its last operand: parenthesised, not two arguments.
    const e = last.expression;
    const comma = ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.CommaToken;
    edits.push({ pos: e.getStart(sf), del: 0, text: `${CELL_HOOK}.result(${comma ? "(" : ""}` });
    edits.push({ pos: e.end, del: 0, text: comma ? `))` : `)` });
  } else if (last && ts.isBlock(last) && blockIsObjectLiteral(ts, last.getText(sf))) {
    hasResult = true;
    edits.push({ pos: last.getStart(sf), del: 0, text: `${CELL_HOOK}.result((` });
    edits.push({ pos: last.end, del: 0, text: `))` });
  }

  return { hasResult, edits };
}

/**
 * Interrupt guards in every loop body, checks after every await; `import.meta` and dynamic
 * relative imports pointed at `specifierBase`. Also finds syntax only a module allows.
 */
function guardEdits(
  ts: typeof TS,
  sf: TS.SourceFile,
  specifierBase: string | undefined,
  moduleOnlyBefore: string | undefined,
): { edits: Edit[]; moduleOnly?: string } {
  const edits: Edit[] = [];
  let moduleOnly = moduleOnlyBefore;
  // Interrupt guards in every loop body, checks after every await.
  const guard = `if (${FLAG}[0] !== 0) ${CELL_HOOK}.stop();`;
  const visit = (node: TS.Node): void => {
    if (!moduleOnly) moduleOnly = needsModule(ts, node);
    if (
      ts.isForStatement(node) || ts.isForInStatement(node) || ts.isForOfStatement(node) ||
      ts.isWhileStatement(node) || ts.isDoStatement(node)
    ) {
      const body = node.statement;
      if (ts.isBlock(body)) {
        edits.push({ pos: body.getStart(sf) + 1, del: 0, text: ` ${guard}` });
        ts.forEachChild(node, visit);
      } else {
        edits.push({ pos: body.getStart(sf), del: 0, text: `{ ${guard} ` });
        ts.forEachChild(node, visit);
        edits.push({ pos: body.end, del: 0, text: ` }` });
      }
      return;
    }
    if (specifierBase && ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      // The cell file lives elsewhere: import.meta describes the notebook's folder instead.
      edits.push({ pos: node.getStart(sf), del: node.getWidth(sf), text: `${CELL_HOOK}.meta` });
      return;
    }
    if (
      specifierBase && ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 && ts.isStringLiteralLike(node.arguments[0]) &&
      /^\.\.?\//.test(node.arguments[0].text)
    ) {
      const a = node.arguments[0];
      edits.push({
        pos: a.getStart(sf),
        del: a.getWidth(sf),
        text: jsString(new URL(a.text, specifierBase).href),
      });
    }
    if (ts.isAwaitExpression(node)) {
      edits.push({ pos: node.getStart(sf), del: 0, text: `${CELL_HOOK}.ck(` });
      ts.forEachChild(node, visit);
      edits.push({ pos: node.end, del: 0, text: `)` });
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  return { edits, moduleOnly };
}

/**
 * Rewrites a cell (see the module doc). `cellId` selects the hook object the prologue fetches.
 * `specifierBase`, when set, makes relative import specifiers (static, and dynamic ones written as
 * string literals) absolute against it and turns `import.meta` into a description of that folder —
 * for cells that run from another folder than the notebook's.
 */
export function rewriteCell(
  ts: typeof TS,
  code: string,
  cellId: number,
  specifierBase?: string,
): RewrittenCell {
  const { sf, errors } = syntaxErrors(ts, code);
  if (errors.length && /^\s*\{/.test(code) && blockIsObjectLiteral(ts, code.trim())) {
    // `{ a: 1, b: 2 }` alone is an object, as in Deno's REPL (as a block it would not parse).
    const inner = rewriteCell(ts, `(${code})`, cellId, specifierBase);
    return inner;
  }
  if (errors.length) {
    return { code, map: applyEdits(code, []).map, syntaxErrors: errors, names: [], hasResult: false };
  }
  const decl = declarations(ts, sf, code, specifierBase);
  const { defs, importNs, names } = decl;
  const result = resultEdits(ts, sf);
  const hasResult = result.hasResult;
  const guards = guardEdits(ts, sf, specifierBase, decl.moduleOnly);
  const moduleOnly = guards.moduleOnly;
  const edits = [...decl.edits, ...result.edits, ...guards.edits];

  const prologue = prologueOf(cellId, defs);
  // The prologue must come first even when a loop or await starts at offset 0. Namespace imports go
  // last: imports are hoisted, and the cell's lines stay where they were.
  const { text, map } = applyEdits(code, [
    { pos: 0, del: 0, text: prologue },
    ...edits,
    {
      pos: code.length,
      del: 0,
      text: importNs.length ? `\n${importNs.join("\n")}\n` : `\nexport {};\n`,
    },
  ]);
  const script = moduleOnly ? undefined : applyEdits(code, [
    { pos: 0, del: 0, text: SCRIPT_OPEN + prologue },
    ...edits,
    { pos: code.length, del: 0, text: SCRIPT_CLOSE },
  ]);
  return {
    code: text,
    map,
    syntaxErrors: [],
    names,
    hasResult,
    script: script && { code: script.text, map: script.map },
    moduleOnly,
  };
}

/** The line the rewrite puts before a cell: its hook object, its interrupt flag, its definitions. */
function prologueOf(cellId: number, defs: readonly string[]): string {
  return `const ${CELL_HOOK} = globalThis[Symbol.for(${
    jsString(CELL_REGISTRY)
  })](${cellId}), ${FLAG} = ${CELL_HOOK}.flag; ` + defs.join(" ") + " ";
}

/**
 * Words that end the fast path of {@linkcode rewriteSimpleExpression}: every reserved word of
 * JavaScript and every keyword TypeScript gives a meaning (declarations, loops, `await`, `this`,
 * `import`, casts…), so that what remains can only be an expression of values and names.
 */
const NOT_SIMPLE = new Set(
  ("abstract accessor any arguments as assert asserts async await bigint boolean break case catch " +
    "class const constructor continue debugger declare default delete do else enum eval export " +
    "extends false finally for from function get global if implements import in infer instanceof " +
    "interface is keyof let module namespace never new null number object of out override package " +
    "private protected public readonly require return satisfies set static string super switch symbol " +
    "this throw true try type typeof undefined unique unknown using var void while with yield")
    .split(" "),
);

/**
 * The rewrite of a cell that is one simple expression on one line — names, member accesses,
 * decimal numbers, `+ - * %`, parentheses and brackets (`i * 1`, `x.shape[0] + 1`, `f(n)`) —
 * made without parsing it: exactly what {@linkcode rewriteCell} makes of such a cell, in a
 * fraction of the time (TypeScript's parse is the largest part of a trivial cell's cost).
 * Undefined for anything else. The scan only checks the tokens and the nesting; whether they
 * form an expression is left to the compiler: a caller that cannot compile the script form
 * must rewrite the cell with {@linkcode rewriteCell}, which reports syntax errors.
 */
export function rewriteSimpleExpression(code: string, cellId: number): RewrittenCell | undefined {
  if (code.length > 200) return undefined;
  const tokens = /[ \t]*(?:([A-Za-z_$][\w$]*)|(0|[1-9]\d*)(?:\.\d+)?(?![\w$.])|([-+*%.()[\]]))/y;
  const closers: string[] = [];
  let start = -1, end = 0, pos = 0;
  while (pos < code.length) {
    tokens.lastIndex = pos;
    const m = tokens.exec(code);
    if (!m) {
      if (/^[ \t]*$/.test(code.slice(pos))) break;
      return undefined;
    }
    const [all, word, , punct] = m;
    if (word !== undefined && NOT_SIMPLE.has(word)) return undefined;
    if (punct === "(" || punct === "[") closers.push(punct === "(" ? ")" : "]");
    else if (punct === ")" || punct === "]") {
      if (closers.pop() !== punct) return undefined;
    } else if (punct === "." && code[pos + all.length] === ".") return undefined; // spread
    if (start < 0) start = pos + all.length - all.trimStart().length;
    pos += all.length;
    end = pos;
  }
  if (start < 0 || closers.length) return undefined;
  const prologue = prologueOf(cellId, []);
  const result = [{ pos: start, del: 0, text: `${CELL_HOOK}.result(` }, { pos: end, del: 0, text: `)` }];
  const { text, map } = applyEdits(code, [
    { pos: 0, del: 0, text: prologue },
    ...result,
    { pos: code.length, del: 0, text: `\nexport {};\n` },
  ]);
  const script = applyEdits(code, [
    { pos: 0, del: 0, text: SCRIPT_OPEN + prologue },
    ...result,
    { pos: code.length, del: 0, text: SCRIPT_CLOSE },
  ]);
  return {
    code: text,
    map,
    syntaxErrors: [],
    names: [],
    hasResult: true,
    script: { code: script.text, map: script.map },
    moduleOnly: undefined,
  };
}

/** Why `node` needs the cell to run as a module rather than as a script, if it does. */
function needsModule(ts: typeof TS, node: TS.Node): string | undefined {
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) return "import.meta";
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    return "a dynamic import() (it resolves against the cell's module)";
  }
  if (node.kind === ts.SyntaxKind.ThisKeyword && atTopLevel(ts, node, true)) return "top-level this";
  if (ts.isReturnStatement(node) && atTopLevel(ts, node, false)) return "a top-level return";
  return undefined;
}

/**
 * True when `node` is in the cell's top-level scope: not inside a function (arrow functions count
 * only when `throughArrows` is false, as `this` passes through them) nor, for `this`, a class body.
 */
function atTopLevel(ts: typeof TS, node: TS.Node, throughArrows: boolean): boolean {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) {
      if (!throughArrows) return false;
      continue;
    }
    if (ts.isComputedPropertyName(n) && throughArrows) {
      // `[this.x]` as a class member's name sees the class's outer `this`.
      n = n.parent;
      if (n?.parent && ts.isClassLike(n.parent)) n = n.parent;
      continue;
    }
    if (
      ts.isFunctionLike(n) || ts.isClassStaticBlockDeclaration(n) ||
      (throughArrows && (ts.isPropertyDeclaration(n) || ts.isClassLike(n)))
    ) return false;
  }
  return true;
}
