/** Which venue credentials are present in the environment (never their values). */
export const VENUE_CREDENTIALS = {
  alpaca: ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'],
  polygon: ['POLYGON_API_KEY'],
  binance: ['BINANCE_API_KEY', 'BINANCE_API_SECRET'],
} as const;

export type Venue = keyof typeof VENUE_CREDENTIALS;

/** The alert channels' secrets (docs/operations.md, "Alerts"): never in a config file. */
export const ALERT_SECRET_VARS = {
  webhookUrl: 'MOMENTIC_ALERTS_WEBHOOK_URL',
  smtpUser: 'MOMENTIC_ALERTS_SMTP_USER',
  smtpPassword: 'MOMENTIC_ALERTS_SMTP_PASSWORD',
} as const;

/**
 * The environment variable that holds the secret a config key path names
 * (`venues.alpaca.api_secret_key` -> APCA_API_SECRET_KEY), for CONFIG_SECRET_IN_FILE's hint.
 */
export function secretEnvVar(path: readonly string[]): string {
  const key = (path[path.length - 1] ?? '').toLowerCase();
  if (path[0] === 'database') return 'MOMENTIC_DATABASE_URL';
  if (path[0] === 'redis') return 'MOMENTIC_REDIS_URL';
  if (path[0] === 'alerts') {
    if (key.includes('url')) return ALERT_SECRET_VARS.webhookUrl;
    return key.startsWith('user') ? ALERT_SECRET_VARS.smtpUser : ALERT_SECRET_VARS.smtpPassword;
  }
  const venue = path.find((p): p is Venue => p in VENUE_CREDENTIALS);
  if (venue === undefined) return 'MOMENTIC_API_TOKEN (the API) or the venue variables in docs/configuration.md';
  const [first, second] = VENUE_CREDENTIALS[venue] as readonly string[];
  return /secret|password|passphrase|private/.test(key) && second !== undefined ? second : (first as string);
}

export interface CredentialStatus {
  readonly venue: Venue;
  readonly variables: readonly { readonly name: string; readonly isSet: boolean }[];
  readonly isComplete: boolean;
}

export function credentialStatus(env: Readonly<Record<string, string | undefined>>): CredentialStatus[] {
  return (Object.keys(VENUE_CREDENTIALS) as Venue[]).map((venue) => {
    const variables = VENUE_CREDENTIALS[venue].map((name) => ({
      name: name === 'POLYGON_API_KEY' && !isSet(env[name]) && isSet(env.MASSIVE_API_KEY) ? 'MASSIVE_API_KEY' : name,
      isSet: isSet(env[name]) || (name === 'POLYGON_API_KEY' && isSet(env.MASSIVE_API_KEY)),
    }));
    return { venue, variables, isComplete: variables.every((v) => v.isSet) };
  });
}

function isSet(v: string | undefined): boolean {
  return v !== undefined && v.trim() !== '';
}
