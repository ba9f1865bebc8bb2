/**
 * Opens a model file and picks its reader from the content, never the file name: XGBoost JSON
 * (an object with `learner`), LightGBM text (first line `tree`). A new format (momentic's own
 * GBDT artifact, and the models of the registry through it) joins by adding a `ModelReader` to READERS.
 */
import { readFileSync, statSync } from 'node:fs';
import { DataError } from '../../core/errors.js';
import { isLightgbmText, readLightgbmText } from './lightgbm-text.js';
import { type ImportedModel, invalidModel, unsupportedModel } from './model.js';
import { isMomenticGbdt, readMomenticGbdt } from './momentic-gbdt.js';
import { isXgboostJson, readXgboostJson } from './xgboost-json.js';

/** One model format: how to recognise its text (and parsed JSON, when it is JSON), and read it. */
export interface ModelReader {
  readonly format: string;
  /** `json` is the parsed document when the text is JSON, else undefined. */
  matches(text: string, json: unknown): boolean;
  read(text: string, json: unknown, file: string): ImportedModel;
}

export const READERS: readonly ModelReader[] = [
  {
    format: 'xgboost-json',
    matches: (_t, json) => isXgboostJson(json),
    read: (_t, json, f) => readXgboostJson(json, f),
  },
  {
    format: 'lightgbm-text',
    matches: (text) => isLightgbmText(text),
    read: (text, _j, f) => readLightgbmText(text, f),
  },
  {
    format: 'momentic-gbdt',
    matches: (_t, json) => isMomenticGbdt(json),
    read: (_t, json, f) => readMomenticGbdt(json, f),
  },
  {
    // `ml train --model logistic` registers a linear model: not a tree model ml predict scores.
    format: 'momentic-logistic',
    matches: (_t, json) => (json as { format?: unknown } | undefined)?.format === 'momentic-logistic',
    read: (_t, _j, f) => {
      throw unsupportedModel(
        f,
        'a momentic logistic model is linear, not a tree model',
        'train with --model gbdt to score it with ml predict',
      );
    },
  },
];

const KNOWN =
  'an XGBoost JSON model (booster.save_model("model.json")) or a LightGBM text model (booster.save_model("model.txt"))';

/** Reads the model in `path`; `file` is how errors name it (as the user typed it). */
export function readModelFile(path: string, file: string = path): ImportedModel {
  let bytes: Buffer;
  try {
    if (statSync(path).isDirectory()) throw Object.assign(new Error('folder'), { code: 'EISDIR' });
    bytes = readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError('DATA_NOT_FOUND', `cannot read model ${file}: ${code === 'ENOENT' ? 'no such file' : code}`, {
      hint: code === 'EISDIR' ? 'give the model file, not its folder' : 'check the --model path',
      context: { file, flag: '--model' },
    });
  }
  return readModelBytes(bytes, file);
}

/** Reads a model from its bytes (a file, or a registry blob). */
export function readModelBytes(bytes: Uint8Array, file: string): ImportedModel {
  if (bytes.length === 0) throw invalidModel(file, 'the file is empty', `expected ${KNOWN}`);
  if (bytes.includes(0)) {
    throw invalidModel(
      file,
      'the file is binary (UBJSON, or XGBoost\u2019s old binary format), not a model momentic reads',
      `save ${KNOWN}`,
    );
  }
  const text = Buffer.from(bytes).toString('utf8');
  const trimmed = text.trimStart();
  let json: unknown;
  if (trimmed.startsWith('{')) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw invalidModel(
        file,
        `the file starts as JSON but does not parse (${(e as Error).message}); it may be truncated`,
        `save the model again: ${KNOWN}`,
      );
    }
  }
  const reader = READERS.find((r) => r.matches(text, json));
  if (reader === undefined) {
    throw invalidModel(
      file,
      json === undefined
        ? 'the file is not a model momentic recognises'
        : 'the JSON is not an XGBoost model (no "learner")',
      `expected ${KNOWN}`,
    );
  }
  return reader.read(text, json, file);
}
