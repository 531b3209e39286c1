// Upload read size. The sha256 is computed while the file is sent (http-client.ts), in the
// same single pass, and travels as the X-Checksum-Sha256 trailer.
export const CHUNK_BYTES = 1024 * 1024;

/** Trailer carrying the body's sha256 (lower-case hex), sent after the last chunk. */
export const CHECKSUM_TRAILER = 'X-Checksum-Sha256';
/** Declared body size: Content-Length can't be combined with trailers (chunked encoding). */
export const DECLARED_LENGTH_HEADER = 'X-Content-Length';
