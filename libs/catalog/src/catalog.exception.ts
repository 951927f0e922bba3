import { DomainErrorKind, DomainException } from '@velvet/common';

export enum CatalogErrorCode {
  SlugTaken = 'model_slug_taken',
  UnknownTier = 'unknown_tier',
  TierTaken = 'tier_taken',
  InvalidUpstream = 'invalid_upstream',
}

export class CatalogException extends DomainException {
  static slugTaken(slug: string) {
    return new CatalogException(
      DomainErrorKind.Conflict,
      CatalogErrorCode.SlugTaken,
      `A model named ${slug} exists already`,
    );
  }
  static unknownTier(tier: string) {
    return new CatalogException(
      DomainErrorKind.Invalid,
      CatalogErrorCode.UnknownTier,
      `Tier ${tier} does not exist`,
      { field: 'tier' },
    );
  }
  static tierTaken() {
    return new CatalogException(
      DomainErrorKind.Conflict,
      CatalogErrorCode.TierTaken,
      'A tier with that name or rank exists already',
    );
  }
  static invalidUpstream(message: string) {
    return new CatalogException(
      DomainErrorKind.Invalid,
      CatalogErrorCode.InvalidUpstream,
      message,
      { field: 'upstream' },
    );
  }
}
