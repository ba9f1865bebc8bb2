/**
 * The three Alpaca fakes (market-data REST, market-data stream, trading) started together, for
 * sessions through the CLI: `env` is what to give `momentic live` (keys and the three URLs).
 */
import { FAKE_KEY_ID, FAKE_SECRET_KEY, startFakeAlpaca, type FakeAlpaca } from './server.js';
import { startFakeAlpacaStream, type FakeAlpacaStream } from './stream-server.js';
import { startFakeTrading, type FakeTrading } from './trading-server.js';

export interface AlpacaFakes {
  readonly data: FakeAlpaca;
  readonly stream: FakeAlpacaStream;
  readonly trading: FakeTrading;
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startAlpacaFakes(
  o: { readonly cash?: number; readonly assets?: readonly string[] } = {},
): Promise<AlpacaFakes> {
  const data = await startFakeAlpaca();
  const stream = await startFakeAlpacaStream({ keyId: FAKE_KEY_ID, secretKey: FAKE_SECRET_KEY });
  const trading = await startFakeTrading({
    keyId: FAKE_KEY_ID,
    secretKey: FAKE_SECRET_KEY,
    cash: o.cash ?? 100_000,
    ...(o.assets === undefined ? {} : { assets: o.assets }),
  });
  return {
    data,
    stream,
    trading,
    env: {
      APCA_API_KEY_ID: FAKE_KEY_ID,
      APCA_API_SECRET_KEY: FAKE_SECRET_KEY,
      MOMENTIC_VENUES__ALPACA__DATA_URL: data.url,
      MOMENTIC_VENUES__ALPACA__STREAM_URL: stream.url,
      MOMENTIC_VENUES__ALPACA__TRADING_URL: trading.url,
    },
    async close() {
      await Promise.all([data.close(), stream.close(), trading.close()]);
    },
  };
}
