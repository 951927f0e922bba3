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

const isScim = (req: Request) =>
  req.path.startsWith('/scim/v2/') && req.is('application/scim+json') !== false;

/** SCIM clients send `application/scim+json` (RFC 7644 §3.1): parsed as JSON on the SCIM routes. */
export const scimJsonBody: RequestHandler = (req, res, next) =>
  isScim(req)
    ? express.json({ type: 'application/scim+json', limit: '256kb' })(req, res, next)
    : next();

/** Wraps the JSON-only check so it skips the SAML assertion consumer and SCIM's JSON media type. */
export const exceptSamlAcs =
  (handler: (req: Request, res: Response, next: NextFunction) => void): RequestHandler =>
  (req, res, next) =>
    req.path === SSO_PATHS.samlAcs || isScim(req) ? next() : handler(req, res, next);
