import { readFileSync } from 'node:fs';
import { packageFile } from '../core/package-files.js';

/** The package version, read from the package's package.json. */
export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(packageFile('package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
