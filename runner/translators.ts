/**
 * Parameter translators: a parameter value as source code in the kernel's language, and the
 * names a parameters cell declares. TypeScript and JavaScript get `let name = value;` (the seglab
 * kernel, Deno's and tslab allow re-declaring a top-level name in a later cell; a name the
 * parameters cell declares with `const` or `var` keeps that keyword, which Deno's kernel needs), Python gets
 * `name = value`. Other languages are refused with a clear error rather than guessed.
 *
 * @example
 * ```ts
 * import { translatorFor } from "./translators.ts";
 * const ts = translatorFor("typescript");
 * console.log(ts.assign("iters", 40));          // let iters = 40;
 * console.log(ts.declaredNames("const lr = 0.01;\nlet iters = 40, seed = 1;")); // ["lr", "iters", "seed"]
 * ```
 * @module
 */
import { loadTypeScript } from "../kernel/typescript.ts";

/** A parameter value as YAML or JSON reads it. */
export type ParamValue = null | boolean | number | string | ParamValue[] | { [key: string]: ParamValue };

/** A name declared in a parameters cell, with its default when it is a literal. */
export interface DeclaredParameter {
  name: string;
  /** The default, when the initializer is a literal; undefined otherwise. */
  value?: ParamValue;
  /** The initializer's source text ("" when none). */
  source: string;
  /** The declared type annotation's text, when there is one. */
  type?: string;
  /** The line comment that follows the declaration on its line, if any (its documentation). */
  comment?: string;
  /** How it is declared: "const", "let", "var", "function", "class" (TypeScript), "=" (Python). */
  kind?: string;
}

/** Writes parameters in one language. */
export interface Translator {
  /** The language's name. */
  language: string;
  /** The line comment marker. */
  comment: string;
  /**
   * One assignment statement. `declaredAs` is how the parameters cell declares the name (see
   * {@linkcode DeclaredParameter.kind}); TypeScript re-declares a `const` as `const` and a `var`
   * as `var` (Deno's kernel refuses `let` over an earlier `const`), anything else with `let`.
   */
  assign(name: string, value: ParamValue, declaredAs?: string): string;
  /** True when `name` can be assigned in this language. */
  validName(name: string): boolean;
  /** The top-level names a parameters cell declares, with literal defaults. */
  declared(source: string): DeclaredParameter[];
  /** Just the names. */
  declaredNames(source: string): string[];
}

/** No translator for the kernel's language. */
export class TranslatorError extends Error {
  override name = "TranslatorError";
}

function jsLiteral(v: ParamValue): string {
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "NaN";
    if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
    return Object.is(v, -0) ? "-0" : String(v);
  }
  if (v === null || typeof v === "boolean" || typeof v === "string") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(jsLiteral).join(", ")}]`;
  const entries = Object.entries(v).map(([k, x]) =>
    `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${jsLiteral(x)}`
  );
  return entries.length ? `{ ${entries.join(", ")} }` : "{}";
}

function pyLiteral(v: ParamValue): string {
  if (v === null) return "None";
  if (typeof v === "boolean") return v ? "True" : "False";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return 'float("nan")';
    if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
    return String(v);
  }
  if (typeof v === "string") return JSON.stringify(v); // JSON escapes are valid Python escapes.
  if (Array.isArray(v)) return `[${v.map(pyLiteral).join(", ")}]`;
  return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(", ")}}`;
}

const JS_RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await").split(" "),
);

const PY_KEYWORDS = new Set(
  ("False None True and as assert async await break class continue def del elif else except finally for from " +
    "global if import in is lambda nonlocal not or pass raise return try while with yield").split(" "),
);

/** Evaluates a TypeScript literal expression, or undefined when it is not a plain literal. */
// deno-lint-ignore no-explicit-any
function literalValue(ts: any, node: any): ParamValue | undefined {
  const K = ts.SyntaxKind;
  while (
    node.kind === K.ParenthesizedExpression || node.kind === K.AsExpression ||
    node.kind === K.SatisfiesExpression || node.kind === K.TypeAssertionExpression
  ) node = node.expression;
  switch (node.kind) {
    case K.NumericLiteral:
      return Number(node.text);
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
      return node.text;
    case K.TrueKeyword:
      return true;
    case K.FalseKeyword:
      return false;
    case K.NullKeyword:
      return null;
    case K.Identifier:
      if (node.text === "Infinity") return Infinity;
      if (node.text === "NaN") return NaN;
      return undefined;
    case K.PrefixUnaryExpression: {
      const v = literalValue(ts, node.operand);
      if (typeof v !== "number") return undefined;
      if (node.operator === K.MinusToken) return -v;
      if (node.operator === K.PlusToken) return v;
      return undefined;
    }
    case K.ArrayLiteralExpression: {
      const out: ParamValue[] = [];
      for (const e of node.elements) {
        const v = literalValue(ts, e);
        if (v === undefined) return undefined;
        out.push(v);
      }
      return out;
    }
    case K.ObjectLiteralExpression: {
      const out: Record<string, ParamValue> = {};
      for (const p of node.properties) {
        if (p.kind !== K.PropertyAssignment) return undefined;
        const key =
          p.name.kind === K.Identifier || p.name.kind === K.StringLiteral || p.name.kind === K.NumericLiteral
            ? p.name.text
            : undefined;
        if (key === undefined) return undefined;
        const v = literalValue(ts, p.initializer);
        if (v === undefined) return undefined;
        out[key] = v;
      }
      return out;
    }
    default:
      return undefined;
  }
}

function tsDeclared(source: string): DeclaredParameter[] {
  const ts = loadTypeScript();
  const sf = ts.createSourceFile("parameters.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: DeclaredParameter[] = [];
  const commentAfter = (end: number): string | undefined => {
    const lineEnd = source.indexOf("\n", end);
    const rest = source.slice(end, lineEnd < 0 ? undefined : lineEnd);
    const m = /^\s*;?\s*\/\/\s?(.*)$/.exec(rest);
    return m ? m[1].trim() : undefined;
  };
  for (const st of sf.statements) {
    if (ts.isVariableStatement(st)) {
      const decls = st.declarationList.declarations;
      const flags = st.declarationList.flags;
      const kind = flags & ts.NodeFlags.Const
        ? "const"
        : flags & ts.NodeFlags.Let
        ? "let"
        : flags & ts.NodeFlags.Using
        ? "using"
        : "var";
      decls.forEach((d, i) => {
        const names: string[] = [];
        const collect = (n: TS_Node) => {
          if (ts.isIdentifier(n)) names.push(n.text);
          else if (ts.isObjectBindingPattern(n) || ts.isArrayBindingPattern(n)) {
            for (const el of n.elements) if (!ts.isOmittedExpression(el)) collect(el.name);
          }
        };
        collect(d.name);
        const single = ts.isIdentifier(d.name);
        for (const name of names) {
          const value = single && d.initializer ? literalValue(ts, d.initializer) : undefined;
          out.push({
            name,
            value,
            source: single && d.initializer ? d.initializer.getText(sf) : "",
            type: single && d.type ? d.type.getText(sf) : undefined,
            comment: i === decls.length - 1 ? commentAfter(st.getEnd()) : undefined,
            kind,
          });
        }
      });
    } else if ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
      out.push({ name: st.name.text, source: "", kind: ts.isFunctionDeclaration(st) ? "function" : "class" });
    }
  }
  return out;
}
// deno-lint-ignore no-explicit-any
type TS_Node = any;

function pyDeclared(source: string): DeclaredParameter[] {
  const out: DeclaredParameter[] = [];
  for (const line of source.split("\n")) {
    const m = /^([A-Za-z_]\w*)\s*(?::\s*([^=]+?))?\s*=(?!=)\s*(.*?)\s*(?:#\s?(.*))?$/.exec(line);
    if (!m) continue;
    const [, name, type, rhs, comment] = m;
    let value: ParamValue | undefined;
    const py = rhs.replace(/\bTrue\b/g, "true").replace(/\bFalse\b/g, "false").replace(/\bNone\b/g, "null");
    try {
      value = JSON.parse(py.replace(/'/g, '"'));
    } catch { /* not a literal */ }
    out.push({ name, value, source: rhs, type: type?.trim(), comment: comment?.trim(), kind: "=" });
  }
  return out;
}

const TYPESCRIPT: Translator = {
  language: "typescript",
  comment: "//",
  assign: (name, value, declaredAs) =>
    `${declaredAs === "const" || declaredAs === "var" ? declaredAs : "let"} ${name} = ${jsLiteral(value)};`,
  validName: (name) => /^[A-Za-z_$][\w$]*$/.test(name) && !JS_RESERVED.has(name),
  declared: tsDeclared,
  declaredNames: (s) => tsDeclared(s).map((d) => d.name),
};

const PYTHON: Translator = {
  language: "python",
  comment: "#",
  assign: (name, value) => `${name} = ${pyLiteral(value)}`,
  validName: (name) => /^[A-Za-z_]\w*$/.test(name) && !PY_KEYWORDS.has(name),
  declared: pyDeclared,
  declaredNames: (s) => pyDeclared(s).map((d) => d.name),
};

const TRANSLATORS: Record<string, Translator> = {
  typescript: TYPESCRIPT,
  javascript: { ...TYPESCRIPT, language: "javascript" },
  python: PYTHON,
};

/** The languages parameters can be injected into. */
export const PARAMETER_LANGUAGES: readonly string[] = Object.keys(TRANSLATORS);

/**
 * The translator for a kernel language (case-insensitive; "ts"/"js"/"python3" accepted).
 * @throws {TranslatorError} for other languages.
 */
export function translatorFor(language: string): Translator {
  const l = language.toLowerCase();
  const key = l === "ts" ? "typescript" : l === "js" ? "javascript" : /^python\d?$/.test(l) ? "python" : l;
  const t = TRANSLATORS[key];
  if (!t) {
    throw new TranslatorError(
      `cannot inject parameters into a ${
        language ? `"${language}"` : "kernel of unknown language"
      } notebook: ` +
        `seglab nb writes parameters in ${PARAMETER_LANGUAGES.join(", ")}; run it without -p/--params-file`,
    );
  }
  return t;
}
