export * from './roles';
export * from './principal';
export * from './subjects';
export * from './ability.factory';
export * from './scope';
export * from './require-ability.decorator';
export * from './access.guard';
export * from './authorize';
