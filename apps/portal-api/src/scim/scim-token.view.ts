import { ApiProperty } from '@nestjs/swagger';
import { DateTimeProperty } from '../http/openapi-views';

/** Response schema of a SCIM bearer token (the token itself is never listed). */
export class ScimTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true })
  createdBy: string | null;
  @DateTimeProperty()
  createdAt: Date;
  @DateTimeProperty({ nullable: true, description: 'Set: the token no longer authenticates' })
  revokedAt: Date | null;
}

/** A new SCIM token, with the bearer token shown this once (only its hash is kept). */
export class CreatedScimTokenView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @DateTimeProperty()
  createdAt: Date;
  @ApiProperty({ description: 'The bearer token for the identity provider; not shown again' })
  token: string;
}
