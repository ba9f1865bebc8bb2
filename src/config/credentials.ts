/** Which venue credentials are present in the environment (never their values). */
export const VENUE_CREDENTIALS = {
  alpaca: ['APCA_API_KEY_ID', 'APCA_API_SECRET_KEY'],
  polygon: ['POLYGON_API_KEY'],
  binance: ['BINANCE_API_KEY', 'BINANCE_API_SECRET'],
} as const;

export type Venue = keyof typeof VENUE_CREDENTIALS;

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
