import { defineConfig } from 'vite';

// Vite 8 transforms TSX with oxc itself; the React plugin is not needed (it also conflicts with Vite 8).
export default defineConfig({
  root: import.meta.dirname,
  base: '/app/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'react' } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1200 },
  server: {
    // `npm run dev:web` talks to a portal API on :3000 without CORS.
    proxy: Object.fromEntries(
      [
        '/auth',
        '/organizations',
        '/staff',
        '/catalog',
        '/contracts',
        '/entitlements',
        '/statements',
        '/audit',
        '/alerts',
        '/detection',
        '/provenance',
        '/health',
      ].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
