import { cacheControlFor, IMMUTABLE } from './precompressed-assets';

describe('web asset caching', () => {
  it('caches hashed assets for a year and revalidates everything else', () => {
    expect(cacheControlFor('/dist/assets/index-D9bF5eV2.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/dist/assets/audit-log-page-yT51_Vw8.js')).toBe(IMMUTABLE);
    expect(cacheControlFor('/dist/assets/index-POWvp6hG.css')).toBe(IMMUTABLE);
    expect(cacheControlFor('/dist/index.html')).toBe('no-cache');
    expect(cacheControlFor('/dist/favicon.svg')).toBe('no-cache');
  });
});
