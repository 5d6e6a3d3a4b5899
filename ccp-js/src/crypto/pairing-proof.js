// The pairing claim's proof (rest.md, POST /api/pair/claim): an Ed25519 signature by the new
// device's key over ASCII `ccp-pair-claim:` + the normalised code.

import { utf8 } from '../bytes.js';

/** The code as the server matches it: no spaces or hyphens, upper case. */
export const normalisePairingCode = (code) => code.replace(/[ -]/g, '').toUpperCase();

/** The claim's `proof` bytes for `code`. */
export const signPairingClaim = (deviceKey, code) => deviceKey.sign(utf8('ccp-pair-claim:' + normalisePairingCode(code)));
