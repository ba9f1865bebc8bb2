import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** `../shared/` beside the checkout (read-only fixtures: data, specs). */
export const SHARED = join(REPO, '..', 'shared');
export const SHARED_DATA = join(SHARED, 'data');
