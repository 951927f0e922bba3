import { NotFoundException } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/** The portal and its API: same origin only, nothing inline, never framed. */
const STRICT = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/**
 * Security headers on every answer (helmet: CSP, nosniff, frame-ancestors/X-Frame-Options,
 * no X-Powered-By) and no source maps served. Swagger UI under /docs needs inline styles and
 * its init script, so it alone gets a looser style and script policy.
 */
export function applySecurityHeaders(app: NestExpressApplication): void {
  app.disable('x-powered-by');
  const strict = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: STRICT },
    frameguard: { action: 'deny' },
  });
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...STRICT,
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
      },
    },
    frameguard: { action: 'deny' },
  });
  app.use((req: Request, res: Response, next: NextFunction) =>
    (req.path.startsWith('/docs') ? docs : strict)(req, res, next),
  );
  app.use((req: Request, _res: Response, next: NextFunction) =>
    next(req.path.endsWith('.map') ? new NotFoundException() : undefined),
  );
}
