import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EntitlementsModule } from '@velvet/entitlements';
import { Model } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';
import { ModelsService } from './models.service';

/** Catalog administration and lookups. Needs an `AdminActivityLog` provider. */
@Module({
  imports: [TypeOrmModule.forFeature([ModelTier, Model]), EntitlementsModule],
  providers: [ModelsService],
  exports: [ModelsService],
})
export class CatalogModule {}
