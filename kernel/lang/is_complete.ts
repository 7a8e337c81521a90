/**
 * Whether a console's input is a whole cell (`is_complete_request`): "incomplete" while a bracket,
 * string, template or comment is open or the code stops where more must follow (`x =`, `a.`),
 * "invalid" when it cannot become valid by typing more (`1 +* 2)`, a closing bracket with no
 * opener, a quoted string left open at the end of a line), else "complete". Indents by two spaces per open bracket.
 * @module
 */
import type { TS } from "../typescript.ts";

/** The `is_complete_reply` content. */
export interface Completeness {
  status: "complete" | "incomplete" | "invalid";
  indent?: string;
}

const PAIRS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };

/**
 * Open brackets at the end of `code`, or "mismatch" (a closer without its opener, an unterminated
 * quoted string); `open` tells whether a template or comment is unterminated.
 */
function brackets(ts: typeof TS, code: string): { depth: number; open: boolean } | "mismatch" {
  const scanner = ts.createScanner(ts.ScriptTarget.ESNext, false, ts.LanguageVariant.Standard, code);
  const stack: string[] = [];
  let open = false;
  const K = ts.SyntaxKind;
  for (let kind = scanner.scan(); kind !== K.EndOfFileToken; kind = scanner.scan()) {
    if (scanner.isUnterminated()) {
      // A quoted string cannot continue on the next line; a template or a comment can.
      if (kind === K.StringLiteral) return "mismatch";
      open = true;
    }
    const text = scanner.getTokenText();
    if (kind === K.OpenParenToken || kind === K.OpenBracketToken || kind === K.OpenBraceToken) {
      stack.push(text);
    } else if (kind === K.TemplateHead) {
      stack.push("${");
    } else if (kind === K.CloseBraceToken && stack.at(-1) === "${") {
      // The end of a template substitution: the template continues.
      stack.pop();
      const rest = scanner.reScanTemplateToken(false);
      if (scanner.isUnterminated()) open = true;
      if (rest === K.TemplateMiddle) stack.push("${");
    } else if (kind === K.CloseParenToken || kind === K.CloseBracketToken || kind === K.CloseBraceToken) {
      if (stack.pop() !== PAIRS[text]) return "mismatch";
    } else if (kind === K.SlashToken || kind === K.SlashEqualsToken) {
      // A regex literal where an expression starts (after an operator or an opening bracket).
      const prev = code.slice(0, scanner.getTokenStart()).trimEnd().at(-1) ?? "";
      if (!prev || "(,=:[!&|?{};+-*%<>~^".includes(prev)) scanner.reScanSlashToken();
      if (scanner.isUnterminated()) open = true;
    }
  }
  return { depth: stack.length, open };
}

/** Classifies `code` (see the module doc). */
export function isComplete(ts: typeof TS, code: string): Completeness {
  if (!code.trim()) return { status: "complete" };
  const b = brackets(ts, code);
  if (b === "mismatch") return { status: "invalid" };
  if (b.open || b.depth > 0) return { status: "incomplete", indent: "  ".repeat(b.depth) };
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics?: TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  if (!diags.length) return { status: "complete" };
  // Errors only where the code stops: more input may complete it (`const x =`, `a.`, `if (x)`).
  const end = code.trimEnd().length;
  if (diags.every((d) => d.start >= end)) return { status: "incomplete", indent: "" };
  return { status: "invalid" };
}
