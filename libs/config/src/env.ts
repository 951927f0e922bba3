import { z } from 'zod';

/** Raised at boot when the environment does not match an app's schema; names every bad variable. */
export class InvalidEnvironmentError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n  ${problems.join('\n  ')}`);
  }
}

/**
 * Parses `source` against `schema`. Messages name the variable and never echo its value,
 * because some of them are secrets.
 */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  source: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(source);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  throw new InvalidEnvironmentError(problems);
}

const port = z.coerce.number().int().min(0).max(65535);

const OTLP_PROTOCOL = z.enum(['http/protobuf', 'http/json', 'grpc']);
const SAMPLER = z.enum([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);

/**
 * The standard OpenTelemetry variables the apps honour (the SDK reads them itself; validated here
 * so a typo fails at boot). Tracing is off unless an OTLP endpoint or OTEL_TRACES_EXPORTER is set
 * (libs/telemetry, docs/scaling.md "Traces").
 */
export const otelEnvShape = {
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_EXPORTER: z
    .string()
    .regex(/^(otlp|console|none)(,(otlp|console|none))*$/, 'must be otlp, console or none')
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: OTLP_PROTOCOL.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: OTLP_PROTOCOL.optional(),
  /** `key=value,...` sent with each export (an API key of the collector, say): never logged. */
  OTEL_EXPORTER_OTLP_HEADERS: z.string().optional(),
  OTEL_EXPORTER_OTLP_TRACES_HEADERS: z.string().optional(),
  OTEL_TRACES_SAMPLER: SAMPLER.optional(),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
  OTEL_PROPAGATORS: z
    .string()
    .regex(
      /^(tracecontext|baggage|b3|b3multi|jaeger|none)(,(tracecontext|baggage|b3|b3multi|jaeger|none))*$/,
    )
    .optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(0).optional(),
};
export const otelEnvSchema = z.object(otelEnvShape);
export type OtelEnv = z.infer<typeof otelEnvSchema>;

/** Variables every app shares: where the database and Redis are, and how to log. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/ })
    .default('postgres://postgres@127.0.0.1:5432/velvet'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  /**
   * `host:port,host:port,...`: Redis Cluster seed nodes (REDIS_URL then only lends its credentials
   * and TLS). Unset: the single Redis at REDIS_URL. docs/scaling.md, "Redis Cluster".
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must be host:port[,host:port...]')
    .optional(),
  /** Hash-tag shards the organisations are spread over on a Redis Cluster (ignored on a single Redis). */
  REDIS_SHARDS: z.coerce.number().int().min(1).max(1024).default(16),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9:_-]+$/)
    .default('velvet'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The private Prometheus listener (/metrics, /health/live, /health/ready); unset = none. docs/scaling.md. */
  METRICS_PORT: port.optional(),
  METRICS_HOST: z.string().default('127.0.0.1'),
  /** Bearer token for /metrics; required when METRICS_HOST is not loopback. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /** SIGTERM: in-flight requests and jobs get this long, then the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  ...otelEnvShape,
});

export const portSchema = port;

/** Secrets must be long enough to be real; their values never appear in error messages. */
export const secretSchema = z.string().min(32, 'must be at least 32 characters');

/** An off-by-default `true`/`false` switch, read as a boolean. */
export const switchSchema = z
  .enum(['true', 'false'])
  .default('false')
  .transform((v) => v === 'true');

/** For `.refine`: a switch meant for tests and development must stay off when NODE_ENV is production. */
export const offInProduction = <K extends string>(
  key: K,
): [
  (env: { NODE_ENV: string } & Record<K, boolean>) => boolean,
  { path: string[]; message: string },
] => [
  (env) => env.NODE_ENV !== 'production' || !env[key],
  { path: [key], message: 'is for tests and development only; it must be off in production' },
];
