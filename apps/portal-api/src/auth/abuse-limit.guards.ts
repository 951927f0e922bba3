import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { AbuseLimits } from '@velvet/auth';
import type { Request } from 'express';

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Sign-ups per client address and overall (429 with the reason and when to retry). */
@Injectable()
export class SignupLimitGuard implements CanActivate {
  constructor(private readonly limits: AbuseLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    await this.limits.signup(clientAddress(context.switchToHttp().getRequest<Request>()));
    return true;
  }
}

/** Logins per client address across accounts, and per address and account. */
@Injectable()
export class LoginLimitGuard implements CanActivate {
  constructor(private readonly limits: AbuseLimits) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    const email: unknown = (req.body as { email?: unknown } | undefined)?.email;
    await this.limits.login(clientAddress(req), typeof email === 'string' ? email : '');
    return true;
  }
}
