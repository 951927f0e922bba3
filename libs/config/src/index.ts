export {
  InvalidEnvironmentError,
  baseEnvSchema,
  offInProduction,
  otelEnvSchema,
  parseEnv,
  portSchema,
  secretSchema,
  switchSchema,
} from './env';
export type { OtelEnv } from './env';
export { tracingSettings } from './tracing-settings';
