export * from './partition-by-month';
export * from './partition-functions.sql';
