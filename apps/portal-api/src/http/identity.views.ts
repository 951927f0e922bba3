import { ApiProperty } from '@nestjs/swagger';
import { Role } from '@velvet/access';
import { OrganizationStatus, UserStatus } from '@velvet/organizations';
import { DateTimeProperty, pageOf, StringListProperty } from './openapi-views';

/** Response schemas of people, organisations, API keys and sessions (the shapes of views.ts). */

const uuidOrNull = () => ApiProperty({ type: String, format: 'uuid', nullable: true });

export class UserView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'email' })
  email: string;
  @ApiProperty()
  displayName: string;
  @ApiProperty({ enum: Role, enumName: 'Role' })
  role: Role;
  @uuidOrNull()
  organizationId: string | null;
  @ApiProperty({ enum: UserStatus, enumName: 'UserStatus' })
  status: UserStatus;
  @DateTimeProperty()
  createdAt: Date;
}

export class OrganizationView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty()
  slug: string;
  @ApiProperty({ enum: OrganizationStatus, enumName: 'OrganizationStatus' })
  status: OrganizationStatus;
  @ApiProperty({ description: 'Verified by an account manager (premium tiers wait for it)' })
  verified: boolean;
  @ApiProperty({ description: 'The sign-up address was confirmed (API keys wait for it)' })
  emailVerified: boolean;
  @StringListProperty({ description: 'Browser origins the gateway answers with CORS headers' })
  corsAllowedOrigins: string[];
  @DateTimeProperty()
  createdAt: Date;
}

export const OrganizationPage = pageOf(OrganizationView);

/** A key as listed: never the secret or its hash. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ description: 'The visible start of the secret' })
  prefix: string;
  @uuidOrNull()
  createdBy: string | null;
  @DateTimeProperty()
  createdAt: Date;
  @DateTimeProperty({ nullable: true })
  expiresAt: Date | null;
  @DateTimeProperty({ nullable: true })
  revokedAt: Date | null;
  @DateTimeProperty({ nullable: true })
  lastUsedAt: Date | null;
  @uuidOrNull()
  teamId: string | null;
  @StringListProperty({ nullable: true, description: 'Models the key may call; all when null' })
  allowedModelIds: string[] | null;
  @DateTimeProperty({ nullable: true, description: 'After a rotation: the old secret works until' })
  previousValidUntil: Date | null;
}

/** On creation and rotation only: the secret, shown once. */
export class IssuedApiKeyView extends ApiKeyView {
  @ApiProperty({ description: 'The secret; it is never shown again' })
  key: string;
}

/** An access token; the refresh token travels as an httpOnly cookie on /auth. */
export class AccessTokenView {
  @ApiProperty()
  accessToken: string;
  @ApiProperty({ example: 'Bearer' })
  tokenType: string;
  @ApiProperty({ type: 'integer', description: 'Seconds' })
  expiresIn: number;
}

export class SessionView extends AccessTokenView {
  @ApiProperty({ type: UserView })
  user: UserView;
}

export class SignUpView extends SessionView {
  @ApiProperty({ type: OrganizationView })
  organization: OrganizationView;
}

export class MeView {
  @ApiProperty({ type: UserView })
  user: UserView;
  @ApiProperty({ type: OrganizationView, nullable: true })
  organization: OrganizationView | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The CASL rules of the caller (RawRule[]), for hiding what the API would refuse',
  })
  rules: object[];
}
