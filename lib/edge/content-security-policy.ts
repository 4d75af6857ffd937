/**
 * The web app's Content-Security-Policy: scripts, styles and fonts only from the app's own
 * origin, API and sign-in calls only to the origins named. CloudFront sends it on AWS; the
 * local gateway sends the same policy, so a page that would break under it breaks locally first.
 */
export function webContentSecurityPolicy(options: {
  /** Origins the app calls besides its own (the Cognito pool's endpoints, its hosted sign-in domain). */
  readonly connectTo: readonly string[];
  /** Origins sign-in forms post to besides the app's own. */
  readonly formActionTo: readonly string[];
  /** Ask browsers to fetch http:// subresources over https (not for a plain-http localhost). */
  readonly upgradeInsecureRequests: boolean;
}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    ['connect-src', "'self'", ...options.connectTo].join(' '),
    ['form-action', "'self'", ...options.formActionTo].join(' '),
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
    ...(options.upgradeInsecureRequests ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
