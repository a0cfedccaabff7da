import { createHash, randomBytes } from 'node:crypto';

/** SHA-256 hex of a session token: the only form `sessions.token_hash` accepts, and how a lookup finds it. */
export const hashSessionToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new session token: 32 random bytes (256 bits), base64url, 43 characters. */
export const newSessionToken = () => randomBytes(32).toString('base64url');

/** Longest token a lookup accepts; ours are 43 characters, anything far longer is not one of them. */
export const SESSION_TOKEN_MAX_LENGTH = 256;
