import { MetricsServer } from '@velvet/common';
import type { INestApplicationContext } from '@nestjs/common';

/** The app's private metrics listener (started with METRICS_PORT=0 in tests). */
export function metricsUrl(app: INestApplicationContext): string {
  const port = app.get(MetricsServer).port();
  if (!port) throw new Error('no metrics listener: start the app with METRICS_PORT');
  return `http://127.0.0.1:${port}`;
}

export async function scrape(app: INestApplicationContext, token?: string): Promise<string> {
  const res = await fetch(`${metricsUrl(app)}/metrics`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  return res.text();
}

/**
 * The sum of a metric's samples whose labels include `labels` (0 when none): enough to see a
 * series move without a Prometheus parser.
 */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const body = line.slice(name.length);
    const labelText = body.startsWith('{') ? body.slice(1, body.indexOf('}')) : '';
    const found = Object.fromEntries(
      [...labelText.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v))
      sum += Number(body.slice(body.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Whether the scrape has the series at all (a gauge read at scrape time). */
export const hasSeries = (
  text: string,
  name: string,
  labels: Record<string, string> = {},
): boolean =>
  text
    .split('\n')
    .some(
      (l) =>
        l.startsWith(name) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)),
    );
