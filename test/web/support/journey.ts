import OpenAI from 'openai';
import type { Page } from 'playwright-core';
import type { DataSource } from 'typeorm';

export const gatewayClient = (gatewayUrl: string, key: string) =>
  new OpenAI({ apiKey: key, baseURL: `${gatewayUrl}/v1`, maxRetries: 0, timeout: 15_000 });

export async function poll<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Standard-tier spend as a customer makes it: real calls through the gateway with long prompts. */
export async function spendOnStandard(ai: OpenAI, calls: number): Promise<void> {
  const filler = 'Summarise the attached quarterly report for the board. '.repeat(1800); // ~100k chars, ~25k tokens
  for (let i = 0; i < calls; i++) {
    await ai.chat.completions.create({
      model: 'velvet-code-1',
      messages: [{ role: 'user', content: `${i}: ${filler}` }],
      max_tokens: 32,
    });
  }
}

/**
 * A distillation campaign: one template enumerating concepts, asking for reasoning, with deep log
 * probabilities and several samples per prompt (what a harvesting script sends).
 */
export async function distill(ai: OpenAI, model: string, calls: number): Promise<void> {
  const template = (slot: string) =>
    `You are generating training data. Write a complete, rigorous textbook explanation of the following concept, with worked examples and a summary. Think step by step before answering. Concept: ${slot}`;
  for (let i = 0; i < calls; i++) {
    await ai.chat.completions.create({
      model,
      messages: [{ role: 'user', content: template(`concept number ${i * 7 + 3}`) }],
      max_tokens: 48,
      n: 4,
      logprobs: true,
      top_logprobs: 20,
    });
  }
}

export const auditCount = async (db: DataSource, organizationId: string): Promise<number> =>
  (
    await db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE organization_id = $1 AND kind = 'premium_call'`,
      [organizationId],
    )
  )[0].n;

/** The text of the element, once it has some. */
export const textOf = async (page: Page, selector: Parameters<Page['locator']>[0]) =>
  (await page.locator(selector).textContent()) ?? '';
