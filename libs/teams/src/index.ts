export * from './entities/team.entity';
export * from './teams.service';
export * from './customer-limits.service';
export * from './limit-values';
export * from './teams.module';
