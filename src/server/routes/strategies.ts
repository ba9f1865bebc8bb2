/**
 * The built-in strategies with their parameters: the table `momentic strategies show` prints, and
 * the JSON Schema of the parameters, both from each strategy's own zod schema.
 */
import { z } from 'zod';
import { didYouMean } from '../../core/did-you-mean.js';
import { UsageError } from '../../core/errors.js';
import type { StrategyDefinition } from '../../strategies/define.js';
import { describeParams } from '../../strategies/describe.js';
import { getStrategyDefinition, strategyDefinitions, strategyNames } from '../../strategies/registry.js';
import { ERROR_RESPONSES } from '../schemas/common.js';
import type { RouteModule } from '../server-deps.js';

const strategy = z
  .object({
    name: z.string(),
    description: z.string(),
    params: z.array(
      z.object({
        name: z.string(),
        type: z.string().describe('e.g. "integer >= 1", "one of first, last"'),
        default: z.unknown().optional(),
        required: z.boolean(),
        description: z.string(),
      }),
    ),
    params_schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of the params object'),
  })
  .meta({ id: 'Strategy' });

function toStrategy(d: StrategyDefinition): z.infer<typeof strategy> {
  return {
    name: d.name,
    description: d.description ?? '',
    params: describeParams(d).map((p) => ({ ...p })),
    params_schema: z.toJSONSchema(d.params, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  };
}

export const strategyRoutes: RouteModule = {
  name: 'strategies',
  register(app) {
    app.get(
      '/api/strategies',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'the built-in strategies and their parameters',
          tags: ['strategies'],
          response: { 200: z.object({ items: z.array(strategy) }), ...ERROR_RESPONSES },
        },
      },
      async () => ({ items: strategyDefinitions().map(toStrategy) }),
    );
    app.get(
      '/api/strategies/:name',
      {
        config: { access: 'viewer' },
        schema: {
          summary: 'one strategy and its parameters',
          tags: ['strategies'],
          params: z.strictObject({
            name: z
              .string()
              .min(1)
              .max(64)
              .regex(/^[a-z0-9-]+$/),
          }),
          response: { 200: strategy, ...ERROR_RESPONSES },
        },
      },
      async (req) => {
        const name = req.params.name;
        if (!strategyNames().includes(name)) {
          throw new UsageError('API_NOT_FOUND', `no built-in strategy "${name}"`, {
            hint: `${didYouMean(name, strategyNames())}GET /api/strategies lists them`,
            context: { value: name },
          });
        }
        return toStrategy(getStrategyDefinition(name));
      },
    );
  },
};
