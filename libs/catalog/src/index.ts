export * from './entities/model.entity';
export * from './entities/model-tier.entity';

import { Model } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';

export const CATALOG_ENTITIES = [ModelTier, Model];
