import { otelEnvSchema, type OtelEnv } from './env';

/**
 * Whether this process exports traces: only when asked for (an OTLP endpoint, or an explicit
 * OTEL_TRACES_EXPORTER other than `none`) and not disabled. Off by default, and off when the
 * variables are invalid (the app's own env check then names the bad one and stops the boot).
 */
export function tracingSettings(
  source: Record<string, string | undefined> = process.env,
): OtelEnv | null {
  const parsed = otelEnvSchema.safeParse(source);
  if (!parsed.success) return null;
  const env = parsed.data;
  if (env.OTEL_SDK_DISABLED === 'true') return null;
  const exporters = env.OTEL_TRACES_EXPORTER?.split(',');
  if (exporters?.includes('none')) return null;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint || exporters?.length ? env : null;
}
