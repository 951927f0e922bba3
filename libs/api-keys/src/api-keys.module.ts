import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysService } from './api-keys.service';
import { ApiKey } from './entities/api-key.entity';
import { KeyInvalidations } from './key-invalidation';

export const API_KEY_ENTITIES = [ApiKey];

@Module({
  imports: [TypeOrmModule.forFeature(API_KEY_ENTITIES)],
  providers: [ApiKeysService, KeyInvalidations],
  exports: [ApiKeysService, KeyInvalidations],
})
export class ApiKeysModule {}
