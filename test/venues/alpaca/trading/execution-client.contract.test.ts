import { afterEach } from 'vitest';
import { executionClientContract } from '../../../contracts/execution-client.contract.js';
import { closeAll, startTrading } from './support.js';

afterEach(closeAll);

// The contract on the fake Alpaca: a cash account of 100,000 and AAPL at 100. A trade on the
// fake is a print at `price`: working market orders fill, limits fill when it reaches them.
executionClientContract('AlpacaExecutionClient on the fake Alpaca', async () => {
  const s = await startTrading({ cash: 100_000 });
  s.fake.setPrice('AAPL', 100);
  return {
    client: s.client,
    symbol: 'AAPL',
    price: 100,
    trade: async (price) => {
      s.fake.trade('AAPL', price);
      await s.settle();
    },
    settle: s.settle,
    buyingPower: 100_000,
  };
});
