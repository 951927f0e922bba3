import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysService } from './api-keys.service';
import { ApiKey } from './entities/api-key.entity';

export const API_KEY_ENTITIES = [ApiKey];

@Module({
  imports: [TypeOrmModule.forFeature(API_KEY_ENTITIES)],
  providers: [ApiKeysService],
  exports: [ApiKeysService],
})
export class ApiKeysModule {}
