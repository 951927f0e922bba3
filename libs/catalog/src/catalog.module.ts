import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Model } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';
import { ModelsService } from './models.service';

/**
 * Catalog administration and lookups. Needs an `AdminActivityLog` provider. `extra` wires an
 * optional `CATALOG_LISTENER` provider and the modules it needs.
 */
@Module({})
export class CatalogModule {
  static forRoot(extra: Pick<DynamicModule, 'imports' | 'providers'> = {}): DynamicModule {
    return {
      module: CatalogModule,
      imports: [TypeOrmModule.forFeature([ModelTier, Model]), ...(extra.imports ?? [])],
      providers: [ModelsService, ...(extra.providers ?? [])],
      exports: [ModelsService],
    };
  }
}
