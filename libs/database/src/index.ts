export * from './data-source.options';
export * from './entities';
export * from './migrations';
export * from './database.admin';
export * from './roles';
