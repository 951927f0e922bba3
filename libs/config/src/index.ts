export { InvalidEnvironmentError, baseEnvSchema, parseEnv, portSchema, secretSchema } from './env';
