export * from './metrics.registry';
export * from './lean-histogram';
export * from './metrics.server';
export * from './metrics.module';
export * from './shutdown';
export * from './store-readiness';
export * from './stream-backlog';
