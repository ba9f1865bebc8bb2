import { z } from 'zod';
import { composeStrategy } from '../components/compose.js';
import { atrStop, endOfDay } from '../components/exits.js';
import { indicator, vwapZscore } from '../components/features.js';
import { meanReversion } from '../components/signals.js';
import { atrRisk } from '../components/sizers.js';
import { defineStrategy } from '../define.js';

const params = z
  .object({
    window: z
      .number()
      .int()
      .min(2)
      .default(30)
      .describe('bars of the rolling standard deviation of close - VWAP that scales the z-score, a whole number >= 2'),
    entryZ: z
      .number()
      .positive()
      .default(2)
      .describe('|z| at or beyond which to enter against the move, > 0 (seed 004: 2)'),
    exitZ: z
      .number()
      .min(0)
      .default(0.5)
      .describe('exit once |z| falls under this, >= 0 and below entryZ (seed 004: 0.5)'),
    rsiPeriod: z.number().int().min(2).default(14).describe('RSI period (Wilder), a whole number >= 2'),
    rsiLow: z.number().gt(0).lt(100).default(30).describe('longs need RSI below this, in (0, 100) and below rsiHigh'),
    rsiHigh: z.number().gt(0).lt(100).default(70).describe('shorts need RSI above this, in (0, 100)'),
    atrPeriod: z.number().int().min(1).default(14).describe('ATR period (Wilder) of the stop and the sizing'),
    stopAtr: z
      .number()
      .positive()
      .default(1.5)
      .describe('stop distance from the entry price in ATRs at entry, > 0 (seed 004: 1.5)'),
    risk: z
      .number()
      .positive()
      .max(0.1)
      .default(0.004)
      .describe('equity lost if the stop is hit, in (0, 0.1] (seed 004: 0.004 = 0.4% per trade)'),
    maxWeight: z
      .number()
      .positive()
      .max(10)
      .default(0.05)
      .describe('largest position as a fraction of equity, in (0, 10] (seed 004: 0.05 = 5%)'),
    flattenMinutes: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('minutes before the last bar of the session at which to be flat, a whole number >= 0'),
    allowShort: z.boolean().default(false).describe('true to also fade rises (z >= entryZ with RSI above rsiHigh)'),
  })
  .superRefine((p, ctx) => {
    if (p.exitZ >= p.entryZ) {
      ctx.addIssue({
        code: 'custom',
        path: ['exitZ'],
        message: `exitZ (${p.exitZ}) must be below entryZ (${p.entryZ})`,
      });
    }
    if (p.rsiLow >= p.rsiHigh) {
      ctx.addIssue({
        code: 'custom',
        path: ['rsiLow'],
        message: `rsiLow (${p.rsiLow}) must be below rsiHigh (${p.rsiHigh})`,
      });
    }
  });

export type IntradayMeanReversionParams = z.output<typeof params>;

/**
 * Seed 004's intraday mean reversion on minute bars. z = (close - session VWAP) / the population
 * standard deviation of close - VWAP over the last `window` bars. Long when z <= -entryZ and
 * RSI < rsiLow (short when z >= entryZ and RSI > rsiHigh, with allowShort); flat when |z| falls
 * under exitZ, on a stop `stopAtr` x ATR from the entry (resting at the venue), or at the close of
 * the session's second-to-last bar (the exit fills at the open of its last bar); no entry that
 * could not be closed in time. Size: the quantity that loses `risk` of equity at the stop, at
 * most `maxWeight` of equity. docs/strategies/intraday-mean-reversion.md.
 */
export const intradayMeanReversion = defineStrategy({
  name: 'intraday-mean-reversion',
  description:
    'seed 004: fade moves of 2 sigma from the session VWAP with RSI confirmation; exit near the VWAP, on a 1.5 ATR stop, or flat at the session close',
  params,
  create: (p) =>
    composeStrategy({
      name: 'intraday-mean-reversion',
      features: { z: vwapZscore(p.window), rsi: indicator(`rsi:${p.rsiPeriod}`) },
      signal: meanReversion('z', {
        entry: p.entryZ,
        exit: p.exitZ,
        confirm: 'rsi',
        confirmBelow: p.rsiLow,
        confirmAbove: p.rsiHigh,
      }),
      sizer: atrRisk(p.risk, p.stopAtr, p.atrPeriod, p.maxWeight),
      exits: [atrStop(p.stopAtr, p.atrPeriod), endOfDay(p.flattenMinutes)],
      allowShort: p.allowShort,
    }),
});
