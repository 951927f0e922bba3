export {
  InvalidEnvironmentError,
  baseEnvSchema,
  otelEnvSchema,
  parseEnv,
  portSchema,
  secretSchema,
} from './env';
export type { OtelEnv } from './env';
export { tracingSettings } from './tracing-settings';
