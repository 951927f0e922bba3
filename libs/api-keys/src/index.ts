export * from './entities/api-key.entity';
export * from './api-key.token';
export * from './api-keys.service';
export * from './api-keys.module';
export * from './key-invalidation';
export * from './key-settings.service';
