import { baseEnvSchema, parseEnv, portSchema } from '@velvet/config';
import { z } from 'zod';

const limit = z.coerce.number().int().min(0).optional();

export const gatewayEnvSchema = baseEnvSchema
  .extend({
    /** The gateway's own receipt key (Ed25519 PKCS#8, mode 0600; not the log's signing key). Required in production. */
    AUDIT_RECEIPT_KEY_FILE: z.string().min(1).optional(),
    /** The audit log's origin (as the worker's AUDIT_LOG_ORIGIN): named in every receipt. */
    AUDIT_LOG_ORIGIN: z
      .string()
      .regex(/^[^\s+]+$/, 'must be one line without spaces or +')
      .default('velvet-rope.localhost/audit-log'),
    GATEWAY_PORT: portSchema.default(3001),
    GATEWAY_HOST: z.string().default('127.0.0.1'),
    /** Largest request body accepted, in bytes. */
    GATEWAY_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(4 * 1024 * 1024),
    /** Where clients find the portal API (the 403 message points at its entitlement explanation). */
    PORTAL_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
    /** How long API keys and the catalog are served from the in-process cache before a refresh. */
    GATEWAY_CACHE_TTL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    /** Defaults per organisation and per key; unset = unlimited. Overrides live in `rate_limits`. */
    GATEWAY_ORG_RPM: limit.default(600),
    GATEWAY_ORG_TPM: limit.default(2_000_000),
    GATEWAY_ORG_SPEND_CAP_MICROS: z.string().regex(/^\d+$/).optional(),
    GATEWAY_KEY_RPM: limit.default(600),
    GATEWAY_KEY_TPM: limit,
    GATEWAY_KEY_SPEND_CAP_MICROS: z.string().regex(/^\d+$/).optional(),
    /** Default upstream timeout when a model's config gives none. */
    GATEWAY_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).default(60_000),
    /**
     * Least time between two write-aheads of one stream's text: chunks that come faster wait (at
     * most this long) to be recorded in one Redis round trip. 0 = one round trip per chunk.
     */
    GATEWAY_STREAM_BATCH_MS: z.coerce.number().int().min(0).max(1000).default(25),
    /** Simulated time per streamed token (0 = as fast as possible). */
    SIMULATOR_TOKEN_DELAY_MS: z.coerce.number().min(0).max(1000).default(0),
    /** Honour the x-velvet-simulated-time header (detection evaluation only; never in production). */
    GATEWAY_ALLOW_SIMULATED_TIME: z.enum(['true', 'false']).default('false'),
    /**
     * Also consume the usage stream into PostgreSQL in this process. The worker does it (off the
     * gateway's event loop: docs/performance.md); this is for a gateway run without a worker (tests).
     */
    GATEWAY_INGEST_USAGE: z.enum(['true', 'false']).default('false'),
  })
  .refine((env) => env.NODE_ENV !== 'production' || !!env.AUDIT_RECEIPT_KEY_FILE, {
    path: ['AUDIT_RECEIPT_KEY_FILE'],
    message: 'is required in production',
  });

export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;

export const loadGatewayEnv = (source?: Record<string, string | undefined>): GatewayEnv =>
  parseEnv(gatewayEnvSchema, source);

/**
 * Upstream API keys, named by a model's `apiKeyEnv`. Only variables named `UPSTREAM_*` are
 * readable that way, so a catalog entry can never make the gateway send, say, DATABASE_URL to
 * an endpoint of its choosing.
 */
export const UPSTREAM_SECRET_PREFIX = 'UPSTREAM_';
const upstreamSecretsSchema = z
  .looseObject({})
  .transform(
    (vars) =>
      Object.fromEntries(
        Object.entries(vars).filter(
          ([k, v]) => k.startsWith(UPSTREAM_SECRET_PREFIX) && typeof v === 'string',
        ),
      ) as Record<string, string>,
  );

export const loadUpstreamSecrets = (
  source?: Record<string, string | undefined>,
): Record<string, string> => parseEnv(upstreamSecretsSchema, source);
