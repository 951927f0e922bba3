import type { NextFunction, Request, Response } from 'express';
import { createReadStream, statSync } from 'node:fs';
import { join } from 'node:path';

/** Hashed assets never change under their name: cached for a year. Everything else is revalidated. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';

export function cacheControlFor(path: string): string {
  return /[\\/]assets[\\/][^\\/]+-[\w-]{8,}\.(js|css|woff2?|svg|png)$/.test(path)
    ? IMMUTABLE
    : 'no-cache';
}

const TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  json: 'application/json; charset=utf-8',
};

/** The encodings the browser accepts that the build wrote a file for, best first. */
function encodingFor(acceptEncoding: string | undefined): { ext: string; name: string }[] {
  const accepted = (acceptEncoding ?? '')
    .split(',')
    .map((p) => p.trim().split(';'))
    .filter(([, q]) => !q || !/q=0(\.0+)?$/.test(q.trim()))
    .map(([coding]) => coding.trim().toLowerCase());
  return [
    { ext: 'br', name: 'br' },
    { ext: 'gz', name: 'gzip' },
  ].filter((e) => accepted.includes(e.name));
}

/**
 * Sends the .br / .gz the web build wrote next to each asset (apps/web/vite.config.mts), when the
 * browser accepts it: compressed once at build time at the highest level, not on every request.
 * Anything else (no compressed copy, not accepted) falls through to the static handler.
 */
export function precompressedAssets(distDir: string) {
  const assets = join(distDir, 'assets');
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const name = /^\/app\/assets\/([\w.-]+)$/.exec(req.originalUrl.split('?')[0])?.[1];
    const type = name && TYPES[name.split('.').pop()!];
    if (!name || !type || name.includes('..')) return next();
    for (const encoding of encodingFor(req.headers['accept-encoding'])) {
      const file = join(assets, `${name}.${encoding.ext}`);
      let size: number;
      try {
        size = statSync(file).size;
      } catch {
        continue;
      }
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Encoding', encoding.name);
      res.setHeader('Content-Length', String(size));
      res.setHeader('Vary', 'Accept-Encoding');
      res.setHeader('Cache-Control', cacheControlFor(join(assets, name)));
      if (req.method === 'HEAD') return void res.end();
      return void createReadStream(file).pipe(res);
    }
    res.setHeader('Vary', 'Accept-Encoding');
    next();
  };
}
