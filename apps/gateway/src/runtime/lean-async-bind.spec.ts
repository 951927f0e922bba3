import { AsyncResource, executionAsyncId } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from './lean-async-bind';

describe('useLeanAsyncResourceBind', () => {
  const original = AsyncResource.prototype.bind;
  afterAll(() => {
    AsyncResource.prototype.bind = original;
  });

  it('binds like Node does (async scope, this, arguments) without the deprecated accessor', () => {
    useLeanAsyncResourceBind();
    const resource = new AsyncResource('test');
    const seen: unknown[] = [];
    const bound = resource.bind(function (this: unknown, a: number, b: number) {
      seen.push(executionAsyncId(), this, a + b);
      return 'ok';
    });
    const receiver = { name: 'receiver' };
    expect(bound.call(receiver, 1, 2)).toBe('ok');
    expect(seen).toEqual([resource.asyncId(), receiver, 3]);
    // Node's bind also takes a `thisArg` (its typings only declare the static form's)
    const bindWithThis = resource.bind.bind(resource) as unknown as (
      fn: () => unknown,
      thisArg: unknown,
    ) => () => unknown;
    const withThis = bindWithThis(function (this: unknown) {
      return this;
    }, receiver);
    expect(withThis.call({ other: true })).toBe(receiver);
    expect(Object.getOwnPropertyDescriptor(bound, 'asyncResource')).toBeUndefined();
    expect(() => resource.bind(42 as never)).toThrow(TypeError);
  });
});
