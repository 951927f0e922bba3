import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A tier of the catalog. `gated` tiers are reached only through their unlock rule; spend on
 * non-gated tiers is what counts as "qualifying spend on the provider's other offerings".
 */
@Entity({ name: 'model_tiers' })
export class ModelTier {
  @PrimaryColumn({ type: 'text' })
  name: string;

  @Column({ name: 'display_name', type: 'text' })
  displayName: string;

  /** Ordering: a contract for a tier covers that tier and every gated tier of lower rank. */
  @Column({ type: 'integer', unique: true })
  rank: number;

  @Column({ type: 'boolean' })
  gated: boolean;
}
