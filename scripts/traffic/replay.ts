import type { EvalStack } from './eval-stack';
import { EVAL_MODEL } from './eval-stack';
import type { TrafficCall } from './traffic.types';

export interface SendTally {
  served: number;
  refused: Map<number, number>;
  errors: number;
}

export const SIMULATED_TIME_HEADER = 'x-velvet-simulated-time';

/** Sends one tick's calls through the gateway, a bounded number in flight, each stamped with its simulated time. */
export async function sendCalls(
  stack: EvalStack,
  calls: TrafficCall[],
  tally: SendTally,
  concurrency = 24,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const c = calls[next++];
      const org = stack.orgs.get(c.org)!;
      try {
        const res = await fetch(`${stack.gatewayUrl}/v1/chat/completions`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${org.keys[c.key]}`,
            [SIMULATED_TIME_HEADER]: new Date(c.at).toISOString(),
          },
          body: JSON.stringify({ model: EVAL_MODEL, ...c.body }),
        });
        await res.arrayBuffer();
        if (res.status === 200) tally.served++;
        else tally.refused.set(res.status, (tally.refused.get(res.status) ?? 0) + 1);
      } catch {
        tally.errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, calls.length) }, worker));
}

/** Waits until the worker has written every served premium call to the audit log. */
export async function awaitAudit(
  stack: EvalStack,
  served: number,
  timeoutMs = 120_000,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    const [{ n }] = await stack.db.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE kind = 'premium_call' AND status = 'succeeded'`,
    );
    if (n >= served) return n;
    if (Date.now() - started > timeoutMs)
      throw new Error(`audit log has ${n} of ${served} served calls after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function api<T>(stack: EvalStack, method: string, path: string, body?: unknown): Promise<T> {
  const send = () =>
    fetch(`${stack.portalUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${stack.reviewerToken}`,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let res = await send();
  if (res.status === 401) {
    // The reviewer's access token expired during a long replay: log in again, once.
    stack.reviewerToken = await stack.reviewerLogin();
    res = await send();
  }
  if (!res.ok) throw new Error(`${method} ${path} -> ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Asks the portal for a detection run over the window ending at `asOf` and waits for the worker to finish it. */
export async function runDetection(stack: EvalStack, asOf: number): Promise<unknown> {
  const { jobId } = await api<{ jobId: string }>(stack, 'POST', '/security/detection/runs', {
    asOf: new Date(asOf).toISOString(),
  });
  for (let i = 0; ; i++) {
    const status = await api<{ state: string; result: unknown; failedReason: string | null }>(
      stack,
      'GET',
      `/security/detection/runs/${jobId}`,
    );
    if (status.state === 'completed') return status.result;
    if (status.state === 'failed') throw new Error(`detection run failed: ${status.failedReason}`);
    if (i > 2400) throw new Error('detection run did not finish in 60 s');
    await new Promise((r) => setTimeout(r, 25));
  }
}

export interface CaseView {
  id: string;
  organizationId: string;
  status: string;
  level: string;
  riskScore: number;
  drivers: string[];
  flaggedKeys: { apiKeyId: string; firstDetectedAt: string; drivers: string[] }[];
  firstDetectedAt: string;
  lastDetectedAt: string;
}

export async function liveCases(stack: EvalStack): Promise<CaseView[]> {
  const out: CaseView[] = [];
  for (const status of ['open', 'acknowledged', 'escalated']) {
    const page = await api<{ items: CaseView[] }>(
      stack,
      'GET',
      `/security/alert-cases?status=${status}&limit=200`,
    );
    out.push(...page.items);
  }
  return out;
}

export async function allCases(stack: EvalStack): Promise<CaseView[]> {
  return (await api<{ items: CaseView[] }>(stack, 'GET', '/security/alert-cases?limit=200')).items;
}
