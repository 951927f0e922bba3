import { httpRequestDuration } from '@velvet/common';
import type { NextFunction, Request, Response } from 'express';
import type { Registry } from 'prom-client';

/**
 * Request rate and latency by route template (`/organizations/:id`, never the id itself) and
 * status, observed when the response finishes. Requests no route matched share one label.
 */
export function httpMetricsMiddleware(registry: Registry) {
  const duration = httpRequestDuration(registry);
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const path = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof path === 'string' ? `${req.baseUrl}${path}` : 'unmatched';
      duration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}
