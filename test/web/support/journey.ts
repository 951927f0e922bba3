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

const TOPICS = [
  'volcanoes',
  'tax law',
  'jazz',
  'orbital mechanics',
  'immunology',
  'game theory',
  'compilers',
  'poetry',
];

/** A distillation campaign: templated, diverse tasks, asking for reasoning, log probabilities, several samples, max-length outputs. */
export async function distill(ai: OpenAI, model: string, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) {
    await ai.chat.completions.create({
      model,
      messages: [
        {
          role: 'user',
          content: `Task ${i}: explain ${TOPICS[i % 8]} to learner ${i * 7} with example ${i * 13}. Think step by step.`,
        },
      ],
      max_tokens: 8,
      n: 2,
      logprobs: true,
      top_logprobs: 5,
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
