import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ParseIdPipe } from '@velvet/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import {
  Action,
  CurrentPrincipal,
  RequireAbility,
  Role,
  STAFF_ROLES,
  type UserPrincipal,
} from '@velvet/access';
import { StaffService, UserStatus } from '@velvet/organizations';
import { IsEmail, IsEnum, IsIn, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { UserView } from '../http/identity.views';
import { userView } from '../http/views';

export class CreateStaffDto {
  @ApiProperty()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  displayName: string;

  @ApiProperty({ minLength: 12, description: 'Initial password, handed over out of band' })
  @IsString()
  @Length(12, 200)
  password: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES)
  role: Role;
}

export class UpdateStaffDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES })
  @IsOptional()
  @IsIn(STAFF_ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: UserStatus })
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;
}

@ApiTags('staff')
@Controller('staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @RequireAbility(Action.Manage, 'Staff')
  @Get()
  @ApiOkResponse({ type: [UserView] })
  async list(): Promise<UserView[]> {
    return (await this.staff.list()).map(userView);
  }

  @RequireAbility(Action.Manage, 'Staff')
  @Post()
  @ApiCreatedResponse({ type: UserView })
  async create(
    @CurrentPrincipal() principal: UserPrincipal,
    @Body() dto: CreateStaffDto,
  ): Promise<UserView> {
    return userView(await this.staff.create(dto, principal.userId));
  }

  @RequireAbility(Action.Manage, 'Staff')
  @Patch(':userId')
  @ApiOkResponse({ type: UserView })
  async update(
    @CurrentPrincipal() principal: UserPrincipal,
    @Param('userId', ParseIdPipe) userId: string,
    @Body() dto: UpdateStaffDto,
  ): Promise<UserView> {
    return userView(await this.staff.update(userId, dto, principal.userId));
  }
}
