export * from './auth.options';
export * from './auth.service';
export * from './auth.module';
export * from './entities/refresh-token.entity';
export * from './limits/abuse-limits';
export * from './limits/rate-limiter';
