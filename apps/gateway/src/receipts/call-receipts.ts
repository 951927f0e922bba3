import { RECEIPT_HEADER } from '@velvet/audit';

/**
 * The receipt of each finished premium call, held by its call context until the response is
 * written: a header on a plain response, an SSE comment before `data: [DONE]` on a stream (its
 * headers left before the leaf existed). Comments are ignored by SSE clients, the OpenAI SDKs included.
 */
const receipts = new WeakMap<object, string>();

export const keepReceipt = (call: object, receipt: string): void =>
  void receipts.set(call, receipt);

export const receiptHeaders = (call: object): Record<string, string> =>
  receiptHeader(receipts.get(call));

export const receiptHeader = (receipt: string | undefined): Record<string, string> =>
  receipt ? { [RECEIPT_HEADER]: receipt } : {};

const DONE = 'data: [DONE]\n\n';

/** A stream's tail with the receipt comment just before `data: [DONE]`. */
export const withReceiptComment = (call: object, tail: string): string =>
  sseWithReceipt(tail, receipts.get(call));

/** A stream's text with `receipt` as a comment just before its `data: [DONE]` (unchanged without either). */
export const sseWithReceipt = (tail: string, receipt: string | undefined): string =>
  !receipt || !tail.endsWith(DONE)
    ? tail
    : `${tail.slice(0, -DONE.length)}: ${RECEIPT_HEADER} ${receipt}\n\n${DONE}`;
