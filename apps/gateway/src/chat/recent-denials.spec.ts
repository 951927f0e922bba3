import { RecentDenials } from './recent-denials';

describe('RecentDenials', () => {
  it('lists an id until its retry-after passes', () => {
    const d = new RecentDenials();
    d.note(['org-1'], 2, 1_000);
    expect(d.has(['org-1'], 2_999)).toBe(true);
    expect(d.has(['org-2', 'org-1'], 2_999)).toBe(true);
    expect(d.has(['org-1'], 3_000)).toBe(false);
    expect(d.has(['org-2'], 1_500)).toBe(false);
  });

  it('forgets an id once a call of its is admitted again', () => {
    const d = new RecentDenials();
    d.note(['org-1', 'key-1'], 60, 0);
    d.clear(['org-1', 'key-1']);
    expect(d.has(['org-1'], 1)).toBe(false);
    expect(d.has(['key-1'], 1)).toBe(false);
  });
});
