/**
 * Respondents' texts as staff see them. Answers are stored exactly as typed (fidelity), but a
 * direction override or embedding inside one (U+202A–U+202E) or an isolate (U+2066–U+2069) could
 * reorder what a page or spreadsheet shows around it, so they are removed wherever an answer is
 * shown to staff or exported. Pages also show each answer in its own isolated run (`<bdi>`).
 */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

export function neutralizeBidi(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/**
 * A cell that a spreadsheet would read as a formula (=, +, -, @, or a tab or carriage return
 * first) gets a leading apostrophe, so exported answers are never run (OWASP's CSV injection advice).
 */
export function spreadsheetSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text for HTML built outside the dashboard's templates (e-mails, small pages, reports). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}
