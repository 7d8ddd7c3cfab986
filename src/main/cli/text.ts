// Human-readable CLI output carries text from imported files (transcripts, speakers, labels, file
// names): control characters in it are shown as escapes, so none reaches the terminal (OSC 52 clipboard
// writes, window titles, clear-screen). JSON output needs none of this (JSON.stringify escapes them).

// C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), and the invisible direction overrides that
// make a line read differently from what it holds (bidi embeddings, overrides, isolates, marks)
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r' };

function escapeChar(c: string): string {
  const code = c.codePointAt(0)!;
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** One field of a line (a transcript, a name): every control character escaped, newlines and tabs too. */
export function termText(s: string): string {
  return s.replace(CONTROL, escapeChar);
}

/** A whole message or table: control characters escaped, except the newlines and tabs that lay it out. */
export function termLines(s: string): string {
  return s.replace(CONTROL_BUT_LINES, escapeChar);
}
