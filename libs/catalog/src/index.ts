export * from './entities/model.entity';
export * from './entities/model-tier.entity';
export * from './catalog.exception';
export * from './models.service';
export * from './catalog.module';

import { Model } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';

export const CATALOG_ENTITIES = [ModelTier, Model];
export * from './tokens';
