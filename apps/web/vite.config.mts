import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a .br and a .gz next to every text asset of the build, so the portal sends them
 * pre-compressed (@fastify/static `preCompressed`) without compressing on each request.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'velvet-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (dir: string): string[] =>
        readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
        );
      for (const file of walk(outDir).filter((f) => /\.(js|css|html|svg|json)$/.test(f))) {
        const body = readFileSync(file);
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        );
      }
    },
  };
}

// Vite 8 transforms TSX with oxc itself; the React plugin is not needed (it also conflicts with Vite 8).
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  plugins: [precompress()],
  resolve: {
    // a lib reaches the browser only through its browser-safe entry point (libs/<lib>/src/browser.ts)
    alias: [
      {
        find: /^@velvet\/([a-z-]+)\/browser$/,
        replacement: resolve(import.meta.dirname, '../../libs/$1/src/browser.ts'),
      },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // no source maps in the build: the portal serves dist publicly (and refuses *.map anyway)
    sourcemap: false,
    // pages are split per route (app.tsx); the largest chunk is the charting library
    chunkSizeWarningLimit: 450,
    rolldownOptions: {
      onwarn(warning, warn) {
        // react-router and react-query mark modules "use client" for server components; a SPA has none.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev:web` talks to a portal API on :3000 without CORS: everything but the portal itself is the API.
    proxy: { '^/(?!app(/|$)).*': 'http://127.0.0.1:3000' },
  },
});
