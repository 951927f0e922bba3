/**
 * `node -r ./test/support/ts-register.js app.ts`: runs an app's TypeScript sources as a real child
 * process in tests (several gateway processes), compiled on the fly by swc (no type check: tsc
 * does that) with Nest's decorator metadata, and `@velvet/<lib>` resolved as the path aliases do.
 */
const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@velvet\/([^/]+)(\/.*)?$/.exec(request);
  if (m) request = join(root, 'libs', m[1], 'src', m[2] ?? '');
  return resolve.call(this, request, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
