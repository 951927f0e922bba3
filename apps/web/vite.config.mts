import { defineConfig } from 'vite';

// Vite 8 transforms TSX with oxc itself; the React plugin is not needed (it also conflicts with Vite 8).
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // no source maps in the build: the portal serves dist publicly (and refuses *.map anyway)
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
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
