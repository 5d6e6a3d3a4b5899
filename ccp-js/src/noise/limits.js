// Every Noise size derives from here (ccp-1.md §3.7, §4.1).

/** A Noise message is at most this many bytes. */
export const MAX_NOISE_MESSAGE = 65535;
/** The Poly1305 tag each transport message carries. */
export const TAG_LENGTH = 16;
/** The most plaintext one transport message carries: 65519 bytes. */
export const MAX_PLAINTEXT = MAX_NOISE_MESSAGE - TAG_LENGTH;
