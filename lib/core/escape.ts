/**
 * Escapes text for inclusion in HTML or XML: element content and attribute values, single- or
 * double-quoted (`'` becomes `&#39;`, which XML and SVG read too).
 */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
