import { AsyncResource } from 'node:async_hooks';

/**
 * Node 20's `AsyncResource.prototype.bind` gives every bound function a deprecated (DEP0172)
 * `asyncResource` getter/setter. Defining accessors on a fresh function makes V8's young-generation
 * GC keep everything the function reaches: Fastify binds one per request with a body, so each
 * call's request, reply and handler state were promoted to the old generation (~1.5 MB every
 * scavenge at 500 req/s), making scavenges ~5 ms and full collections frequent — the gateway's
 * p99. This bind behaves the same (runs `fn` in the resource's async scope, with the same `this`
 * and arguments) without the deprecated property. Applied only where the accessor exists, so a
 * Node release that drops it leaves the original in place. Measured: docs/performance.md.
 */
export function useLeanAsyncResourceBind(): void {
  if (!hasAccessorOnBound()) return;
  type AnyFn = (this: unknown, ...args: unknown[]) => unknown;
  const leanBind = function (this: AsyncResource, fn: AnyFn, thisArg?: unknown): AnyFn {
    if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the resource, captured for the bound function
    const resource = this;
    return function (this: unknown, ...args: unknown[]) {
      return resource.runInAsyncScope(fn, thisArg === undefined ? this : thisArg, ...args);
    };
  };
  AsyncResource.prototype.bind = leanBind as typeof AsyncResource.prototype.bind;
}

function hasAccessorOnBound(): boolean {
  const bound = new AsyncResource('velvet-probe').bind(() => undefined);
  return Object.getOwnPropertyDescriptor(bound, 'asyncResource')?.get !== undefined;
}
