export * from './entities/organization.entity';
export * from './entities/user.entity';
export * from './entities/invitation.entity';
export * from './organizations.exception';
export * from './organizations.service';
export * from './members.service';
export * from './staff.service';
export * from './organizations.module';
