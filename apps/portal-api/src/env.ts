import {
  baseEnvSchema,
  offInProduction,
  parseEnv,
  portSchema,
  secretSchema,
  switchSchema,
} from '@velvet/config';
import { z } from 'zod';

export const portalEnvSchema = baseEnvSchema
  .extend({
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
    /** Budget-alert webhooks to loopback/private/link-local hosts: tests and development only (refused in production). */
    BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE: switchSchema,
  })
  .refine(...offInProduction('BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE'));

export type PortalEnv = z.infer<typeof portalEnvSchema>;

export const loadPortalEnv = (source?: Record<string, string | undefined>): PortalEnv =>
  parseEnv(portalEnvSchema, source);
