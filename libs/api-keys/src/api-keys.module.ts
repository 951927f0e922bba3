import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysService } from './api-keys.service';
import { ApiKey } from './entities/api-key.entity';
import { KeyInvalidations } from './key-invalidation';
import { KeySettings } from './key-settings.service';

export const API_KEY_ENTITIES = [ApiKey];

@Module({
  imports: [TypeOrmModule.forFeature(API_KEY_ENTITIES)],
  providers: [ApiKeysService, KeySettings, KeyInvalidations],
  exports: [ApiKeysService, KeySettings, KeyInvalidations],
})
export class ApiKeysModule {}
