import { baseEnvSchema, parseEnv, portSchema, secretSchema } from '@velvet/config';
import { z } from 'zod';

export const portalEnvSchema = baseEnvSchema.extend({
  PORTAL_API_PORT: portSchema.default(3000),
  PORTAL_API_HOST: z.string().default('127.0.0.1'),
  JWT_SECRET: secretSchema,
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(3600)
    .default(30 * 24 * 3600),
  /** Login attempts per minute for one account from one address. */
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Login attempts per minute from one address, whatever the accounts (password spraying). */
  LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: z.coerce.number().int().min(1).default(30),
  SIGNUP_RATE_LIMIT_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).default(5),
  SIGNUP_RATE_LIMIT_GLOBAL_PER_HOUR: z.coerce.number().int().min(1).default(200),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/)
    .default('100kb'),
  /** The portal's public origin (https://portal.example.com): SSO redirect and ACS URLs; else taken from the request. */
  PORTAL_PUBLIC_URL: z.string().url().optional(),
  /** Where the built web portal is, to be served by the API (optional in development). */
  WEB_DIST_DIR: z.string().optional(),
  /** SMTP relay for budget alerts (`smtp://user:pass@host:587`); unset: alerts go by webhook only. */
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default('Velvet Rope <alerts@velvet-rope.invalid>'),
  /** Run the budget-alert scan and deliveries in this process. */
  BUDGET_ALERTS_WORKER: z.enum(['true', 'false']).default('true'),
  BUDGET_ALERT_SCAN_MS: z.coerce.number().int().min(100).default(60_000),
  /** First retry delay of a failed e-mail or webhook delivery (doubled at each attempt). */
  BUDGET_ALERT_RETRY_MS: z.coerce.number().int().min(10).default(5_000),
});

export type PortalEnv = z.infer<typeof portalEnvSchema>;

export const loadPortalEnv = (source?: Record<string, string | undefined>): PortalEnv =>
  parseEnv(portalEnvSchema, source);
