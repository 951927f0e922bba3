import type { TokenizerEncoding } from '@velvet/catalog';
import { UpstreamError, type UpstreamRequest } from '../upstream.types';
import { instanceOf, UnsupportedSchema } from './json-instance';
import { fnv1a, Rng } from './random';
import type { SimulatorAsk } from './request-check';
import { countPieceTokens, type Piece, tokenPieces, wordPiece } from './token-pieces';

export interface PlannedToolCall {
  id: string;
  name: string;
  /** The arguments JSON, as streamed. */
  arguments: Piece[];
}

/** One choice, decided before anything is sent: the stream and the plain answer render the same plan. */
export interface PlannedChoice {
  content: Piece[] | null;
  toolCalls: PlannedToolCall[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  outputTokens: number;
}

const stopsOf = (stop: string | string[] | null | undefined): string[] =>
  (stop == null ? [] : Array.isArray(stop) ? stop : [stop]).filter(Boolean);

/** Cuts content before the first stop sequence, as OpenAI does (the sequence itself is not sent). */
function applyStop(
  pieces: Piece[],
  stops: string[],
  encoding: TokenizerEncoding,
): { pieces: Piece[]; stopped: boolean } {
  if (!stops.length) return { pieces, stopped: false };
  const text = pieces.map((p) => p.text).join('');
  const at = Math.min(...stops.map((s) => text.indexOf(s)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return { pieces, stopped: false };
  return { pieces: tokenPieces(text.slice(0, at), encoding).pieces, stopped: true };
}

function plainText(
  rng: Rng,
  wanted: number,
  maxTokens: number,
  encoding: TokenizerEncoding,
): { pieces: Piece[]; truncated: boolean } {
  const pieces: Piece[] = [];
  let tokens = 0;
  for (let w = 0; w < wanted; w++) {
    const piece = wordPiece(w === 0 ? rng.word() : ` ${rng.word()}`, encoding);
    if (tokens + piece.tokens.length > maxTokens) return { pieces, truncated: true };
    tokens += piece.tokens.length;
    pieces.push(piece);
  }
  return { pieces, truncated: false };
}

function jsonOf(schema: unknown, rng: Rng): string {
  try {
    return JSON.stringify(instanceOf(schema, rng));
  } catch (error) {
    if (error instanceof UnsupportedSchema)
      throw new UpstreamError(
        400,
        'invalid_value',
        `This model cannot honour the JSON schema: ${error.message}.`,
      );
    throw error;
  }
}

/** Whether to answer with a tool call: required, named, or (auto) when the turn is not a tool result. */
function wantsTool(call: UpstreamRequest, ask: SimulatorAsk): boolean {
  if (!ask.tools.length || ask.toolChoice === 'none') return false;
  if (ask.toolChoice !== 'auto') return true;
  return call.req.messages.at(-1)?.role !== 'tool';
}

/**
 * Deterministic choices for a call: the same prompt, parameters and `seed` give the same answer;
 * each of the `n` choices differs. Budgets are in the model's own tokens (`maxTokens` per choice).
 */
export function planChoices(call: UpstreamRequest, ask: SimulatorAsk): PlannedChoice[] {
  const encoding = call.model.tokenizer;
  const n = call.req.n ?? 1;
  const seed = call.req.seed ?? 0;
  const stops = stopsOf(call.req.stop);
  const fingerprint = `${call.promptText}\u0000${JSON.stringify(call.req.tools ?? null)}\u0000${JSON.stringify(call.req.response_format ?? null)}`;
  return Array.from({ length: n }, (_, i): PlannedChoice => {
    const h = fnv1a(fingerprint, seed + i);
    const rng = new Rng(h);
    if (wantsTool(call, ask)) {
      // Always drawn, so a named tool_choice leaves the rest of the answer as `required` would.
      const drawn = rng.pick(ask.tools);
      const named = typeof ask.toolChoice === 'object' ? ask.toolChoice.name : null;
      const tool = named ? ask.tools.find((t) => t.name === named)! : drawn;
      const args = tokenPieces(
        jsonOf(tool.parameters ?? { type: 'object', properties: {} }, rng),
        encoding,
        call.maxTokens,
      );
      const id = `call_${h.toString(36)}${i.toString(36)}${rng.int(0, 1e9).toString(36)}`;
      const outputTokens = countPieceTokens(tokenPieces(tool.name, encoding).pieces) + args.tokens;
      return {
        content: null,
        toolCalls: [{ id, name: tool.name, arguments: args.pieces }],
        finishReason: args.truncated ? 'length' : 'tool_calls',
        outputTokens,
      };
    }
    let pieces: Piece[];
    let truncated: boolean;
    if (ask.format.type === 'text')
      ({ pieces, truncated } = plainText(rng, 8 + (h % 40), call.maxTokens, encoding));
    else {
      const schema =
        ask.format.type === 'json_schema'
          ? ask.format.schema
          : {
              type: 'object',
              properties: { answer: { type: 'string', minLength: 24 } },
              required: ['answer'],
            };
      ({ pieces, truncated } = tokenPieces(jsonOf(schema, rng), encoding, call.maxTokens));
    }
    const stopped = applyStop(pieces, stops, encoding);
    const finishReason = stopped.stopped ? 'stop' : truncated ? 'length' : 'stop';
    return {
      content: stopped.pieces,
      toolCalls: [],
      finishReason,
      outputTokens: countPieceTokens(stopped.pieces),
    };
  });
}
