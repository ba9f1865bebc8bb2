import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { canonicalJson, codeVersion, trialId } from '../../../src/orchestration/queue/trial-id.js';

const SPEC = { strategy: { name: 'sma-cross', params: {} }, data: { symbols: ['ZNTX'], timeframe: '1d' } };
const FILES = [
  { path: 'data/raw/1d/ZNTX.csv', sha256: 'a'.repeat(64) },
  { path: 'data/raw/1d/VXLY.csv', sha256: 'b'.repeat(64) },
];

describe('trial ids', () => {
  it('are the sha256 of the canonical JSON of run, params, data hashes and code version', () => {
    // Hand-built canonical text: keys sorted at every level, the files as sorted [path, sha] pairs.
    const text =
      '{"code":"0.1.0","data":[["data/raw/1d/VXLY.csv","' +
      'b'.repeat(64) +
      '"],["data/raw/1d/ZNTX.csv","' +
      'a'.repeat(64) +
      '"]],"params":{"fast":5,"slow":30},' +
      '"spec":{"data":{"symbols":["ZNTX"],"timeframe":"1d"},"strategy":{"name":"sma-cross","params":{}}}}';
    expect(trialId(SPEC, { slow: 30, fast: 5 }, FILES, '0.1.0')).toBe(createHash('sha256').update(text).digest('hex'));
  });

  it('do not depend on key or file order, and change with params, data and code version', () => {
    const id = trialId(SPEC, { fast: 5, slow: 30 }, FILES, '0.1.0');
    expect(trialId(SPEC, { slow: 30, fast: 5 }, [...FILES].reverse(), '0.1.0')).toBe(id);
    expect(trialId(SPEC, { fast: 6, slow: 30 }, FILES, '0.1.0')).not.toBe(id);
    expect(trialId(SPEC, { fast: 5, slow: 30 }, [FILES[0] as (typeof FILES)[number]], '0.1.0')).not.toBe(id);
    expect(trialId(SPEC, { fast: 5, slow: 30 }, FILES, 'abc123')).not.toBe(id);
  });

  it('canonical JSON drops undefined keys as JSON.stringify does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [1, { z: 2, y: null }] })).toBe('{"b":1,"c":[1,{"y":null,"z":2}]}');
  });

  it('code version: execution.code_version when set, else the package version', () => {
    expect(codeVersion({ execution: { code_version: 'git-1a2b3c' } })).toBe('git-1a2b3c');
    expect(codeVersion({ execution: { code_version: '' } })).toMatch(/^\d+\.\d+\.\d+/);
  });
});
