export { generateKeyMaterial, parseKey } from './api-key.token';
export { API_KEY_ENTITIES, ApiKeysModule } from './api-keys.module';
export { ApiKeysService } from './api-keys.service';
export { ApiKey } from './entities/api-key.entity';
export { KeyInvalidations, apiKeysChannel, decodeInvalidation } from './key-invalidation';
export { KeySettings } from './key-settings.service';
