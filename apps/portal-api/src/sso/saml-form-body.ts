import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
} from 'express';
import { SSO_PATHS } from '@velvet/auth';

/** The SAML HTTP-POST binding posts a form: parsed on that one path, JSON everywhere else. */
export const samlFormBody: RequestHandler = (req, res, next) =>
  req.path === SSO_PATHS.samlAcs
    ? express.urlencoded({ extended: false, limit: '512kb' })(req, res, next)
    : next();

/** Wraps the JSON-only check so it skips the SAML assertion consumer. */
export const exceptSamlAcs =
  (handler: (req: Request, res: Response, next: NextFunction) => void): RequestHandler =>
  (req, res, next) =>
    req.path === SSO_PATHS.samlAcs ? next() : handler(req, res, next);
