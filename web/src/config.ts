/** What `/config.json` tells the app: where its issuer and client are. The same file on AWS and locally. */
export interface WebConfig {
  readonly stage: string;
  /** OIDC issuer: the Cognito user pool on AWS, the local issuer under `/oauth2` locally. */
  readonly authority: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string;
  /** Cognito's hosted sign-in domain; only on AWS, where sign-out and revocation live there rather than at the issuer. */
  readonly signInDomain?: string;
}

const required = ['stage', 'authority', 'clientId', 'redirectUri', 'postLogoutRedirectUri'] as const;

/** Checks the shape rather than trusting it: a broken deployment should say what is missing, not fail later. */
export function parseWebConfig(value: unknown): WebConfig {
  if (!value || typeof value !== 'object') throw new Error('config.json is not an object');
  const record = value as Record<string, unknown>;
  const missing = required.filter((key) => typeof record[key] !== 'string' || record[key] === '');
  if (missing.length) throw new Error(`config.json lacks ${missing.join(', ')}`);
  if (record.signInDomain !== undefined && typeof record.signInDomain !== 'string') {
    throw new Error('config.json: signInDomain must be a string');
  }
  return record as unknown as WebConfig;
}

export async function loadWebConfig(fetchImpl: typeof fetch = fetch): Promise<WebConfig> {
  // Served with no-cache; index.html preloads it, and a fetch with other options would not use that.
  const response = await fetchImpl('/config.json');
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status}`);
  return parseWebConfig(await response.json());
}
