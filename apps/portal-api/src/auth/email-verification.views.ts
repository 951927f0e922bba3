import { ApiProperty } from '@nestjs/swagger';

/** The organisation whose e-mail address the link confirmed. */
export class EmailVerifiedView {
  @ApiProperty({ format: 'uuid' })
  organizationId: string;
  @ApiProperty({ enum: [true] })
  emailVerified: true;
}

/** Accepted: a new link is mailed if the organisation is not confirmed yet (the answer does not say which). */
export class VerificationResentView {
  @ApiProperty({ enum: [true] })
  sent: true;
}
