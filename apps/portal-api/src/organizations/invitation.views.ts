import { ApiProperty } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { DateTimeProperty } from '../http/openapi-views';

/** Response schemas of invitations: never the token (it goes by mail only). */
export class InvitationView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'email' })
  email: string;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role: Role;
  @DateTimeProperty()
  expiresAt: Date;
  @DateTimeProperty()
  createdAt: Date;
}

export class SentInvitationView extends InvitationView {
  @ApiProperty({ enum: ['email'] })
  delivery: 'email';
}
