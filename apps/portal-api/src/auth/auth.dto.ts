import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class SignUpDto {
  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  organizationName: string;

  @ApiProperty({ example: 'admin@acme.example' })
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 200)
  password: string;

  @ApiProperty({ example: 'Ada Admin' })
  @IsString()
  @Length(1, 200)
  displayName: string;
}

export class LoginDto {
  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password: string;
}

/** Browsers send the refresh token as the httpOnly cookie; other clients may send it here. */
export class RefreshDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(16, 200)
  refreshToken?: string;
}

export class AcceptInvitationDto {
  @ApiProperty()
  @IsString()
  @Length(16, 200)
  token: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @Length(12, 200)
  password: string;
}

export class VerifyEmailDto {
  @ApiProperty()
  @IsString()
  @Length(16, 200)
  token: string;
}
