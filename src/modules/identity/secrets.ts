import { hash, randomBytes } from 'node:crypto'
import { hash as argon2Hash, verify, type Algorithm } from '@node-rs/argon2'

/** `Algorithm.Argon2id` (a const enum, which isolated modules cannot read). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- the enum's value, spelled out
const ARGON2ID = 2 as Algorithm

export const TOKEN_PREFIX = 'td_'

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, { algorithm: ARGON2ID })
}

export function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return verify(passwordHash, password).catch(() => false)
}

export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex')
}

/** A new API token: `td_` + 43 url-safe characters (256 random bits). Only its SHA-256 is ever stored. */
export function newTokenSecret(): { secret: string; hash: string; prefix: string } {
  const secret = TOKEN_PREFIX + randomBytes(32).toString('base64url')
  return { secret, hash: sha256Hex(secret), prefix: secret.slice(0, TOKEN_PREFIX.length + 6) }
}

/**
 * Keys the in-memory Basic-auth cache: SHA-256 of a key made at start-up, what the tenant is resolved from, and the
 * credential as sent (`base64(username:password)`), so a memory dump of the cache does not give a way to test
 * passwords offline. (A prefix-keyed hash rather than an HMAC: a cache key needs no protection against length
 * extension, nobody verifies one.)
 */
export function credentialCacheKey(key: string, scope: string, credential: string): string {
  return hash('sha256', `${key}\u0000${scope}\u0000${credential}`, 'base64url')
}
