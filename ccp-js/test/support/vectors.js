// Locates the conformance vectors: CCP_VECTORS_DIR, else a `shared/vectors` beside this
// directory or one of its parents (the repo's `../shared/vectors`). Missing vectors fail the
// tests; they never skip.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function vectorsDir() {
  const env = process.env.CCP_VECTORS_DIR;
  if (env) {
    if (!existsSync(env) || !statSync(env).isDirectory()) throw new Error(`CCP_VECTORS_DIR is not a directory: ${env}`);
    return resolve(env);
  }
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dirname(dir), 'shared', 'vectors');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error('conformance vectors not found: set CCP_VECTORS_DIR');
}

export const loadVectors = (file) => JSON.parse(readFileSync(join(vectorsDir(), file), 'utf8'));

/** Fails on a key of `entry` this test does not know, so no new field goes unchecked silently. */
export function knownKeys(entry, keys, assert) {
  for (const key of Object.keys(entry)) assert.ok(keys.includes(key), `unknown vector field ${key} in ${entry.name ?? '?'}`);
}
