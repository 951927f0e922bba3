import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as OTLP/HTTP JSON carries it (ids hex, attributes flattened here to key → value). */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  links: { traceId: string; spanId: string }[];
}

export interface OtlpReceiver {
  /** OTEL_EXPORTER_OTLP_ENDPOINT for the apps (they post to `<endpoint>/v1/traces`). */
  endpoint: string;
  spans: ReceivedSpan[];
  /** Every request body received, as text: for "never contains" checks. */
  bodies: string[];
  close(): Promise<void>;
}

type AnyValue = Record<string, unknown>;
const valueOf = (v: AnyValue): unknown =>
  v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? JSON.stringify(v);
const flatten = (attrs: { key: string; value: AnyValue }[] = []) =>
  Object.fromEntries(attrs.map((a) => [a.key, valueOf(a.value)]));

/**
 * A real OTLP/HTTP trace receiver in the test process, accepting the JSON encoding
 * (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`) on POST /v1/traces as a collector would.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (
        req.method !== 'POST' ||
        req.url !== '/v1/traces' ||
        !/json/.test(req.headers['content-type'] ?? '')
      )
        return void res.writeHead(415).end();
      bodies.push(raw);
      const body = JSON.parse(raw) as {
        resourceSpans?: {
          resource?: { attributes?: { key: string; value: AnyValue }[] };
          scopeSpans?: { spans?: Record<string, unknown>[] }[];
        }[];
      };
      for (const rs of body.resourceSpans ?? []) {
        const service = String(flatten(rs.resource?.attributes)['service.name']);
        for (const ss of rs.scopeSpans ?? [])
          for (const s of ss.spans ?? [])
            spans.push({
              service,
              traceId: String(s.traceId),
              spanId: String(s.spanId),
              parentSpanId: String(s.parentSpanId ?? ''),
              name: String(s.name),
              kind: Number(s.kind),
              attributes: flatten(s.attributes as { key: string; value: AnyValue }[]),
              links: ((s.links ?? []) as { traceId: string; spanId: string }[]).map((l) => ({
                traceId: String(l.traceId),
                spanId: String(l.spanId),
              })),
            });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
