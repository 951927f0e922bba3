export * from './premium-call.event';
