import { ApiProperty } from '@nestjs/swagger';

/** One active member of a SCIM group. */
export class ScimGroupMemberView {
  @ApiProperty({ format: 'uuid' })
  userId: string;
  @ApiProperty()
  email: string;
}

/** Response schema of a SCIM group the identity provider pushed, with the team the org admin mapped it to. */
export class ScimGroupView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null: no team' })
  teamId: string | null;
  @ApiProperty({ type: [ScimGroupMemberView], description: "The group's active members" })
  members: ScimGroupMemberView[];
}
