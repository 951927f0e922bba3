export * from './receipt';
export * from './receipt-check';
export * from './receipt-keys';
export * from './receipt-leaf';
