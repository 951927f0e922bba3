import type { INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer, Reflector } from '@nestjs/core';
import { ABILITY_REQUIREMENT, AUTHENTICATED_ROUTE, PUBLIC_ROUTE } from '@velvet/access';

export interface DiscoveredRoute {
  /** e.g. `PATCH /organizations/:orgId` */
  route: string;
  access: 'public' | 'authenticated' | 'ability' | 'none';
}

const join = (...parts: string[]) =>
  '/' +
  parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/');

/** Every HTTP route the app registered, with the access policy its decorators declare. */
export function discoverRoutes(app: INestApplication): DiscoveredRoute[] {
  const reflector = app.get(Reflector);
  const routes: DiscoveredRoute[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!controller) continue;
      const base: string | string[] = Reflect.getMetadata(PATH_METADATA, controller) ?? '';
      const proto = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const handler = proto[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const path: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
        const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
        if (path === undefined || method === undefined) continue;
        const targets = [handler as () => unknown, controller];
        const access = reflector.getAllAndOverride(PUBLIC_ROUTE, targets)
          ? 'public'
          : reflector.getAllAndOverride(ABILITY_REQUIREMENT, targets)
            ? 'ability'
            : reflector.getAllAndOverride(AUTHENTICATED_ROUTE, targets)
              ? 'authenticated'
              : 'none';
        for (const b of [base].flat()) {
          for (const p of [path].flat())
            routes.push({ route: `${RequestMethod[method]} ${join(b, p)}`, access });
        }
      }
    }
  }
  return routes;
}
