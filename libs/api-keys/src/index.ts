export { generateKeyMaterial, parseKey } from './api-key.token';
export { API_KEY_ENTITIES, ApiKeysModule } from './api-keys.module';
export { ApiKeysService } from './api-keys.service';
export { ApiKey } from './entities/api-key.entity';
export { KeyInvalidations, apiKeysChannel, decodeInvalidation } from './key-invalidation';
export { KeySettings } from './key-settings.service';
export { TEAM_DIRECTORY } from './team-directory.port';
export type { TeamDirectory } from './team-directory.port';
export {
  API_KEYS_RELATION,
  apiKeyNames,
  isKeyOfOrganization,
} from './queries/api-key-lookup.query';
export { detachKeysFromTeam } from './queries/team-keys.command';
