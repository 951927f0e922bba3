import type { MetricObjectWithValues, MetricValueWithName, Registry } from 'prom-client';

interface Series<L extends string> {
  labels: Record<L, string>;
  /** Observations per bucket (not cumulative), the last one for +Inf. */
  counts: Float64Array;
  sum: number;
  count: number;
}

type Node = Map<string, Node | Series<string>>;

/**
 * A Prometheus histogram for request paths, exposed by a prom-client registry like its own
 * `Histogram`: same name, labels, buckets and text format. prom-client builds, sorts and hashes
 * a label string and validates the labels on every `observe`, which a gateway call paid twice
 * (HTTP and upstream duration); here an observation is a few `Map` lookups (one level per label,
 * no string built) and two additions. Label values are typed, not validated.
 */
export class LeanHistogram<L extends string> {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private root: Node = new Map();
  private series: Series<L>[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly L[],
    private readonly buckets: readonly number[],
  ) {}

  observe(labels: Record<L, string>, value: number): void {
    if (!Number.isFinite(value)) return;
    const s = this.seriesOf(labels);
    const b = this.buckets;
    let i = 0;
    while (i < b.length && value > b[i]) i++;
    s.counts[i]++;
    s.sum += value;
    s.count++;
  }

  reset(): void {
    this.root = new Map();
    this.series = [];
  }

  /** The text exposition's values, shaped as prom-client's Histogram shapes them (series labels shared). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: (MetricValueWithName<string> & {
      sharedLabels: Record<string, string>;
      exemplar?: null;
    })[] = [];
    for (const s of this.series) {
      let cumulative = 0;
      for (let i = 0; i <= this.buckets.length; i++) {
        cumulative += s.counts[i];
        values.push({
          metricName: `${this.name}_bucket`,
          labels: { le: i < this.buckets.length ? this.buckets[i] : '+Inf' },
          sharedLabels: s.labels,
          value: cumulative,
          exemplar: null,
        });
      }
      values.push({
        metricName: `${this.name}_sum`,
        labels: {},
        sharedLabels: s.labels,
        value: s.sum,
      });
      values.push({
        metricName: `${this.name}_count`,
        labels: {},
        sharedLabels: s.labels,
        value: s.count,
      });
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: 'histogram',
      values,
      aggregator: this.aggregator,
    } as unknown as MetricObjectWithValues<MetricValueWithName<string>>);
  }

  /** As prom-client's `get()`: each value's labels with the series' labels merged in. */
  async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const metric = await this.getForPromString();
    metric.values = metric.values.map((v) => {
      const { sharedLabels, labels, ...rest } = v as typeof v & {
        sharedLabels: Record<string, string>;
      };
      return { ...rest, labels: { ...labels, ...sharedLabels } };
    });
    return metric;
  }

  private seriesOf(labels: Record<L, string>): Series<L> {
    let node = this.root;
    const last = this.labelNames.length - 1;
    for (let i = 0; i < last; i++) {
      const v = labels[this.labelNames[i]] ?? '';
      let next = node.get(v) as Node | undefined;
      if (!next) node.set(v, (next = new Map()));
      node = next;
    }
    const v = last < 0 ? '' : (labels[this.labelNames[last]] ?? '');
    let s = node.get(v) as Series<L> | undefined;
    if (!s) {
      const own = {} as Record<L, string>;
      for (const n of this.labelNames) own[n] = labels[n] ?? '';
      s = { labels: own, counts: new Float64Array(this.buckets.length + 1), sum: 0, count: 0 };
      node.set(v, s);
      this.series.push(s);
    }
    return s;
  }
}

/** The registry's lean histogram of that name, or a new one registered with it. */
export function leanHistogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: readonly number[],
): LeanHistogram<L> {
  const known = registry.getSingleMetric(name) as unknown as LeanHistogram<L> | undefined;
  if (known) return known;
  const h = new LeanHistogram(name, help, labelNames, buckets);
  registry.registerMetric(h as never);
  return h;
}
