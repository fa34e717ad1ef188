/**
 * Message bodies, names and greetings come from other people. Printed raw, an
 * escape sequence in them could recolour the terminal, move the cursor to
 * overwrite earlier lines, set the window title or (on some terminals) inject
 * input; bidirectional overrides can make text read differently than it is
 * stored. So everything shown to a human passes through here first.
 */

/** C0 controls, DEL and C1 controls (U+009B alone is a full CSI on some terminals). */
const controlCharacters = /[\u0000-\u001f\u007f-\u009f]/g

/** Bidi embeddings, overrides and isolates, and the invisible direction marks. */
const bidiControls = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/** Characters that end a line without being a control character. */
const lineBreaks = /\r\n|[\n\r\u2028\u2029\u0085\u000b\u000c]/g

/**
 * Makes user content safe to print as one line of terminal text: line breaks
 * and tabs become spaces (so a body cannot fake a second line of output), every
 * other control character and bidi control is removed.
 */
export function plainLine(text: string): string {
  return text
    .replace(lineBreaks, " ")
    .replace(/\t/g, " ")
    .replace(controlCharacters, "")
    .replace(bidiControls, "")
}

/**
 * JSON.stringify escapes C0 controls but leaves DEL, C1 controls, the Unicode
 * line separators and bidi controls raw. Escaping them keeps the JSON exactly
 * equivalent (a parser reads back the same strings) while making it safe to
 * print on a terminal.
 */
export function terminalSafeJson(text: string): string {
  return text.replace(
    /[\u007f-\u009f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  )
}
