export * from './partition-by-month';
export * from './partition-functions.sql';
export * from './partition-width.sql';
