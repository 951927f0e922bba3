import { ApiProperty } from '@nestjs/swagger';
import { DateTimeProperty } from '../http/openapi-views';

/** Response schema of a team: a group of an organisation's API keys that shares limits. */
export class TeamView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  name: string;
  @DateTimeProperty()
  createdAt: Date;
}
