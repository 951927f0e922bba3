export * from './errors/domain.exception';
export * from './money/money';
export * from './logging/logger.options';
export * from './http/pagination';
export * from './crypto/secrets';
export * from './activity/admin-activity-log';
export * from './logging/redact';
