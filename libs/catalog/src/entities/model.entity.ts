import { bigintTransformer, type Micros } from '@velvet/common';
import { DEFAULT_TOKENIZER, type TokenizerEncoding } from '../tokens/encodings';
import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export enum ModelStatus {
  Active = 'active',
  Retired = 'retired',
}

/** Where a model is served from: the built-in deterministic simulator, or any OpenAI-compatible endpoint. */
export type UpstreamConfig =
  | { kind: 'simulator' }
  | {
      kind: 'openai_compatible';
      baseUrl: string;
      /** The model name the upstream knows it by. */
      upstreamModel: string;
      /** Name of the environment variable holding the upstream's key; never the key itself. */
      apiKeyEnv?: string;
      timeoutMs?: number;
      /** The endpoint also serves `/responses`: the gateway's Responses API passes through instead of going over chat. */
      responsesApi?: boolean;
    };

/** A model in the catalog. Prices are integer micro-units of `currency` per million tokens. */
@Entity({ name: 'models' })
export class Model {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The name clients send as `model`, e.g. `velvet-opus-1`. */
  @Column({ type: 'text', unique: true })
  slug: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  /** A tier name from `model_tiers` (standard, premium, flagship, ...). */
  @Column({ type: 'text' })
  tier: string;

  @Column({ name: 'input_price_micros_per_mtok', type: 'bigint', transformer: bigintTransformer })
  inputPriceMicrosPerMTok: Micros;

  @Column({ name: 'output_price_micros_per_mtok', type: 'bigint', transformer: bigintTransformer })
  outputPriceMicrosPerMTok: Micros;

  @Column({ type: 'text', default: 'USD' })
  currency: string;

  @Column({ type: 'jsonb' })
  upstream: UpstreamConfig;

  @Column({ name: 'context_window', type: 'integer', default: 128000 })
  contextWindow: number;

  @Column({ name: 'max_output_tokens', type: 'integer', default: 4096 })
  maxOutputTokens: number;

  /** The tiktoken encoding that counts this model's tokens wherever the upstream reports none. */
  @Column({ type: 'text', default: DEFAULT_TOKENIZER })
  tokenizer: TokenizerEncoding;

  @Column({ type: 'text', default: ModelStatus.Active })
  status: ModelStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
