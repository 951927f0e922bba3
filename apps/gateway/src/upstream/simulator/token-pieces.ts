import { encoderFor, type TokenizerEncoding } from '@velvet/catalog';

/** A run of text the simulator sends in one chunk, with the tokens it consists of (for logprobs). */
export interface Piece {
  text: string;
  tokens: string[];
}

const wordCache = new Map<string, Piece>();

/** One generated word (with its leading space), from a per-encoding cache: the plain-text path never encodes. */
export function wordPiece(word: string, encoding: TokenizerEncoding): Piece {
  const key = `${encoding}\u0000${word}`;
  let piece = wordCache.get(key);
  if (!piece) {
    const encoder = encoderFor(encoding);
    piece = { text: word, tokens: encoder.encode(word).map((t) => encoder.decode([t])) };
    wordCache.set(key, piece);
  }
  return piece;
}

/**
 * Any text as the pieces a model would stream it in, one token each (several when a token alone
 * is not valid UTF-8), cut to at most `maxTokens`. `truncated` says whether the cut removed any.
 */
export function tokenPieces(
  text: string,
  encoding: TokenizerEncoding,
  maxTokens = Infinity,
): { pieces: Piece[]; tokens: number; truncated: boolean } {
  const encoder = encoderFor(encoding);
  const all = encoder.encode(text);
  const ids = all.slice(0, maxTokens);
  const pieces: Piece[] = [];
  let group: number[] = [];
  for (const id of ids) {
    group.push(id);
    const decoded = encoder.decode(group);
    if (decoded.includes('\uFFFD') && group.length < 4) continue;
    pieces.push({ text: decoded, tokens: group.map((t) => encoder.decode([t])) });
    group = [];
  }
  if (group.length)
    pieces.push({ text: encoder.decode(group), tokens: group.map((t) => encoder.decode([t])) });
  return { pieces, tokens: ids.length, truncated: ids.length < all.length };
}

export const joinPieces = (pieces: readonly Piece[]): string => pieces.map((p) => p.text).join('');
export const countPieceTokens = (pieces: readonly Piece[]): number =>
  pieces.reduce((n, p) => n + p.tokens.length, 0);
