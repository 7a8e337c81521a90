/**
 * What kind of code fits where the cursor is — a statement, an expression (an argument, an
 * initialiser, an operand) or a type — so completions offer only keywords that fit there: no
 * `abstract` or `asserts` inside `createLoss(|)`, no `keyof` as a statement.
 * @module
 */
import type { TS } from "../typescript.ts";

/** The kind of code the cursor is in. */
export type CompletionPlace = "statement" | "expression" | "type";

/** Keywords that can start (or stand as) an expression. */
const EXPRESSION_KEYWORDS = new Set([
  "true",
  "false",
  "null",
  "this",
  "new",
  "typeof",
  "void",
  "delete",
  "await",
  "function",
  "class",
  "async",
  "yield",
  "super",
  "import",
]);

/** Keywords that only occur inside types or type operators. */
const TYPE_ONLY_KEYWORDS = new Set([
  "asserts",
  "infer",
  "is",
  "keyof",
  "unique",
  "readonly",
  "any",
  "bigint",
  "boolean",
  "never",
  "number",
  "object",
  "string",
  "symbol",
  "unknown",
  "satisfies",
  "as",
  "out",
  "accessor",
]);

/** The innermost node around `pos`, then its ancestors (innermost first). */
function ancestorsAt(ts: typeof TS, sf: TS.SourceFile, pos: number): TS.Node[] {
  const chain: TS.Node[] = [sf];
  let node: TS.Node = sf;
  for (;;) {
    const next: TS.Node | undefined = ts.forEachChild(
      node,
      (c) => (c.getStart(sf) < pos && pos <= c.end ? c : undefined),
    );
    if (!next) break;
    chain.push(next);
    node = next;
  }
  return chain.reverse();
}

function isStatementContainer(ts: typeof TS, n: TS.Node): boolean {
  return ts.isSourceFile(n) || ts.isBlock(n) || ts.isModuleBlock(n) || ts.isCaseClause(n) ||
    ts.isDefaultClause(n);
}

/**
 * Where the parser has not placed the cursor inside a node (`const x = |` ends before the missing
 * initialiser), the character before it tells: an operator, `(`, `,` or `[` → an expression;
 * `:` after a declared name → a type.
 */
function afterOperator(text: string, pos: number): CompletionPlace | undefined {
  const before = text.slice(0, pos).trimEnd();
  const c = before.at(-1) ?? "";
  if (c === ":") {
    const annotated = /(?:\b(?:const|let|var)\s+|[(,]\s*)[\p{L}_$][\p{L}\p{N}_$]*\??\s*:$/u;
    return annotated.test(before) ? "type" : undefined;
  }
  return c && "=(,[?+-*/%&|^!<>~".includes(c) ? "expression" : undefined;
}

/** Where completion at `pos` (the start of the word being typed) lands in `sf`. */
export function completionPlace(ts: typeof TS, sf: TS.SourceFile, pos: number): CompletionPlace {
  const chain = ancestorsAt(ts, sf, pos);
  const word = chain[0] && ts.isIdentifier(chain[0]) ? chain[0] : undefined;
  for (const n of word ? chain.slice(1) : chain) {
    if (ts.isTypeNode(n) && !ts.isExpressionWithTypeArguments(n)) return "type";
    if (isStatementContainer(ts, n)) return afterOperator(sf.text, word?.getStart(sf) ?? pos) ?? "statement";
    if (ts.isExpressionStatement(n)) {
      return n.getStart(sf) === (word?.getStart(sf) ?? pos) ? "statement" : "expression";
    }
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
      if (n.arguments && pos > n.arguments.pos - 1) return "expression";
      continue;
    }
    if (
      ts.isVariableDeclaration(n) || ts.isPropertyAssignment(n) || ts.isReturnStatement(n) ||
      ts.isBinaryExpression(n) || ts.isArrayLiteralExpression(n) || ts.isParenthesizedExpression(n) ||
      ts.isConditionalExpression(n) || ts.isTemplateSpan(n) || ts.isSpreadElement(n) ||
      ts.isAwaitExpression(n)
    ) return "expression";
    if (
      ts.isIfStatement(n) || ts.isWhileStatement(n) || ts.isDoStatement(n) || ts.isForStatement(n) ||
      ts.isForOfStatement(n) || ts.isSwitchStatement(n) || ts.isThrowStatement(n)
    ) return "expression";
    if (ts.isVariableStatement(n)) return "statement";
  }
  return "statement";
}

/** Whether keyword `name` can be typed at a place of kind `place`. */
export function keywordFits(name: string, place: CompletionPlace): boolean {
  if (place === "type") return true;
  if (place === "expression") return EXPRESSION_KEYWORDS.has(name);
  return !TYPE_ONLY_KEYWORDS.has(name);
}
