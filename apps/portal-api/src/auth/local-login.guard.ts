import { BadRequestException, type ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { LoginDto } from './auth.dto';

/**
 * passport-local, but the body is validated first: guards run before pipes, and a malformed
 * login should be a 400 that names the field, not a vague 401.
 */
@Injectable()
export class LocalLoginGuard extends AuthGuard('local') {
  override canActivate(context: ExecutionContext) {
    const body: unknown = context.switchToHttp().getRequest().body;
    const errors = validateSync(plainToInstance(LoginDto, body ?? {}), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length) {
      throw new BadRequestException(errors.flatMap((e) => Object.values(e.constraints ?? {})));
    }
    return super.canActivate(context);
  }
}
