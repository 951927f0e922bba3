export { CATALOG_LISTENER } from './catalog-listener';
export type { CatalogListener } from './catalog-listener';
export { CatalogModule } from './catalog.module';
export { ModelTier } from './entities/model-tier.entity';
export { Model, ModelStatus } from './entities/model.entity';
export type { UpstreamConfig } from './entities/model.entity';
export { ModelsService } from './models.service';
export {
  existingModelCount,
  MODEL_TIERS_RELATION,
  MODELS_RELATION,
  tierGated,
} from './queries/catalog-relation.query';
export { tierMeanPrices } from './queries/tier-prices.query';
export { tierRanks } from './queries/tier-ranks.query';
export { countChatPromptTokens } from './tokens/chat-tokens';
export {
  DEFAULT_TOKENIZER,
  TOKENIZER_ENCODINGS,
  countTextTokens,
  encoderFor,
} from './tokens/encodings';
export type { Encoder, TokenizerEncoding } from './tokens/encodings';

import { Model } from './entities/model.entity';
import { ModelTier } from './entities/model-tier.entity';
export const CATALOG_ENTITIES = [ModelTier, Model];
