/**
 * The import graph of seglab's source folders, read with the TypeScript compiler's parser: every
 * static `import` / `export … from` between project files, marked type-only when it can carry no
 * value (`import type`, `export type`, or only `type` specifiers), and the length of every
 * function. Used by `imports_test.ts`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** One static import of a project file by another (paths relative to the repository root, `/`-separated). */
export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
  line: number;
}

/** A function-like declaration and its length in lines. */
export interface FunctionSpan {
  file: string;
  name: string;
  line: number;
  lines: number;
}

/** The `.ts` files under the given folders (relative to `root`), sorted. */
export function sourceFiles(root: string, folders: string[]): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    const abs = path.join(root, rel);
    if (!fs.existsSync(abs)) return;
    for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
      const r = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== "node_modules" && e.name !== "data") walk(r);
      } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) out.push(r);
    }
  };
  for (const f of folders) walk(f);
  return out.sort();
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const c = node.exportClause;
    return !!c && ts.isNamedExports(c) && c.elements.length > 0 && c.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (!clause) return false; // a side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const b = clause.namedBindings;
  return !!b && ts.isNamedImports(b) && b.elements.length > 0 && b.elements.every((e) => e.isTypeOnly);
}

function functionName(node: ts.Node): string {
  const n = (node as { name?: ts.Node }).name;
  if (n && (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n))) return n.text;
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  return "<anonymous>";
}

/** Parses one file: its project imports (resolved relative paths) and its functions' lengths. */
export function parseFile(root: string, file: string): { edges: ImportEdge[]; functions: FunctionSpan[] } {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const edges: ImportEdge[] = [];
  const functions: FunctionSpan[] = [];
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  for (const st of sf.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st))) continue;
    const spec = st.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    const to = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec.text));
    edges.push({ from: file, to, typeOnly: isTypeOnly(st), line: lineOf(st.getStart(sf)) });
  }
  const visit = (node: ts.Node) => {
    if (
      ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) ||
      ts.isSetAccessor(node)
    ) {
      const line = lineOf(node.getStart(sf));
      functions.push({ file, name: functionName(node), line, lines: lineOf(node.getEnd()) - line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { edges, functions };
}

/** The value-import cycles among `files` (each as the list of files around it), one per strongly connected group. */
export function valueCycles(files: string[], edges: ImportEdge[]): string[][] {
  const next = new Map<string, string[]>(files.map((f) => [f, []]));
  for (const e of edges) if (!e.typeOnly && next.has(e.to)) next.get(e.from)!.push(e.to);
  // Tarjan's strongly connected components.
  let index = 0;
  const idx = new Map<string, number>(), low = new Map<string, number>(), on = new Set<string>();
  const stack: string[] = [], out: string[][] = [];
  const strong = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v)!) {
      if (!idx.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1 || next.get(v)!.includes(v)) out.push(group.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) strong(f);
  return out;
}
