import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../lib/project';
import { loadSpaFallback } from '../../local/gateway/cloudfront-function';

// The CloudFront Function's own source, called as CloudFront calls it.
const rewrite = loadSpaFallback(projectRoot);

describe('SPA fallback CloudFront Function', () => {
  it('serves index.html for app routes', () => {
    expect(rewrite('/')).toBe('/index.html');
    expect(rewrite('/students')).toBe('/index.html');
    expect(rewrite('/students/st_42/attendance')).toBe('/index.html');
  });

  it('leaves files alone', () => {
    expect(rewrite('/assets/app.js')).toBe('/assets/app.js');
    expect(rewrite('/config.json')).toBe('/config.json');
    expect(rewrite('/index.html')).toBe('/index.html');
  });

  it('uses only the last path segment to tell a file', () => {
    expect(rewrite('/v1.2/students')).toBe('/index.html');
  });
});
