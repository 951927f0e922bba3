import { Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS } from './metrics.registry';
import { leanHistogram } from './lean-histogram';

const labelNames = ['method', 'route', 'status'] as const;

function both() {
  const ours = new Registry();
  const theirs = new Registry();
  for (const r of [ours, theirs]) r.setDefaultLabels({ app: 'test' });
  const lean = leanHistogram(ours, 'req_seconds', 'Requests', labelNames, LATENCY_BUCKETS);
  const reference = new Histogram({
    name: 'req_seconds',
    help: 'Requests',
    labelNames,
    buckets: LATENCY_BUCKETS,
    registers: [theirs],
  });
  return { ours, theirs, lean, reference };
}

describe('LeanHistogram', () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const { ours, theirs, lean, reference } = both();
    const observations: [Record<(typeof labelNames)[number], string>, number][] = [
      [{ method: 'POST', route: '/v1/chat/completions', status: '200' }, 0.0012],
      [{ method: 'POST', route: '/v1/chat/completions', status: '200' }, 0.001],
      [{ method: 'POST', route: '/v1/chat/completions', status: '429' }, 0.0004],
      [{ method: 'GET', route: '/v1/models', status: '200' }, 75],
      [{ method: 'GET', route: 'with "quotes"\nand \\', status: '404' }, 0.3],
      [{ method: 'POST', route: '/v1/chat/completions', status: '200' }, 2.5],
    ];
    for (const [labels, v] of observations) {
      lean.observe(labels, v);
      reference.observe(labels, v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('is the same instance when asked twice, ignores non-finite values and resets', async () => {
    const { ours, lean } = both();
    expect(leanHistogram(ours, 'req_seconds', 'Requests', labelNames, LATENCY_BUCKETS)).toBe(lean);
    lean.observe({ method: 'GET', route: '/', status: '200' }, Number.NaN);
    expect(await ours.metrics()).not.toContain('req_seconds_count');
    lean.observe({ method: 'GET', route: '/', status: '200' }, 1);
    expect(await ours.metrics()).toContain(
      'req_seconds_count{app="test",method="GET",route="/",status="200"} 1',
    );
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('req_seconds_count');
  });
});
