/**
 * The top-level names a cell declares — values and types — for the language service, which
 * links each cell to the names of earlier cells.
 * @module
 */
import type { TS } from "../typescript.ts";

function hasDeclare(ts: typeof TS, node: TS.Node): boolean {
  const mods = (node as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
  return !!mods?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword);
}

function bindingNames(ts: typeof TS, name: TS.BindingName, out: Set<string>): void {
  if (ts.isIdentifier(name)) out.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(ts, el.name, out);
}

/** Names declared at the top level of `sf` (variables, functions, classes, enums, namespaces, types, imports). */
export function declaredNames(ts: typeof TS, sf: TS.SourceFile): Set<string> {
  const out = new Set<string>();
  for (const s of sf.statements) {
    if (ts.isVariableStatement(s)) {
      for (const d of s.declarationList.declarations) bindingNames(ts, d.name, out);
    } else if (
      (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s) || ts.isInterfaceDeclaration(s) ||
        ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s)) && s.name
    ) {
      out.add(s.name.text);
    } else if (ts.isModuleDeclaration(s) && ts.isIdentifier(s.name)) {
      out.add(s.name.text);
    } else if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) out.add(c.name.text);
      const nb = c.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) out.add(nb.name.text);
      else if (nb) { for (const el of nb.elements) out.add(el.name.text); }
    } else if (ts.isImportEqualsDeclaration(s)) {
      out.add(s.name.text);
    }
    void hasDeclare;
  }
  return out;
}
