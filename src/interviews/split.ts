/**
 * Cuts a text into pieces of at most `max` characters, in order, at a line break or space when
 * one is near the end of a piece, never inside a surrogate pair: a long message arrives whole, in
 * several messages, never shortened.
 */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = max;
    const window = rest.slice(Math.floor(max * 0.8), max);
    const breakAt = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    if (breakAt >= 0) cut = Math.floor(max * 0.8) + breakAt + 1;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}
