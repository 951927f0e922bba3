export {
  InvalidEnvironmentError,
  baseEnvSchema,
  offInProduction,
  parseEnv,
  portSchema,
  secretSchema,
  switchSchema,
} from './env';
