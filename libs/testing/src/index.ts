export { createTestDatabase, testQueuePrefix } from './test-database';
export type { TestDatabase } from './test-database';
