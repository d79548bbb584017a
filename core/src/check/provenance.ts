/**
 * Where results came from. `.inoculate/` can arrive with a cloned repository, and its cache and summaries would then
 * be taken for measurements made here: a committed cache could answer a whole check with made-up responses, a
 * committed summary could show made-up rates beside the predictions. So what this user measures is signed with a
 * per-user secret key kept outside any workspace (in the user's config folder, see `core/src/node/userKey.ts`):
 * an HMAC-SHA256 over each cache entry and each summary, with a short public id of the key as the producer.
 *
 * Results are "here" when their signature verifies under this user's key, "elsewhere" otherwise (signed by someone
 * else, altered, or unsigned, as everything written before signing existed). Cached answers from elsewhere are never
 * reused: a response cannot be re-verified without asking the model again, so such samples are requested again (and
 * the new, signed answers appended). Summaries from elsewhere are shown as such and never merged into a new one.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { stableStringify } from './cache';
import type { CheckSummary, SummaryProvenance } from './types';

export type { SummaryProvenance } from './types';

/** `here`: measured by this user (the signature verifies under their key); `elsewhere`: found, e.g. in a repository. */
export type ResultOrigin = 'here' | 'elsewhere';

/** Signs and verifies with one user's key. */
export interface Provenance {
  /** A short public id of the key (16 hex characters): names the producer without revealing anything. */
  readonly keyId: string;
  /** HMAC-SHA256 (hex) of `data` in a `domain` (so a cache entry's signature never passes for a summary's). */
  sign(domain: string, data: string): string;
  /** Whether `mac` is this key's signature of `data` in `domain` (constant-time). */
  verify(domain: string, data: string, mac: unknown): boolean;
}

/** The smallest key accepted (bytes). */
export const MIN_KEY_BYTES = 32;

/** Signing with `key` (at least 32 random bytes). */
export function provenanceFromKey(key: Uint8Array): Provenance {
  if (key.length < MIN_KEY_BYTES) throw new Error(`a provenance key needs at least ${MIN_KEY_BYTES} bytes`);
  const secret = Buffer.from(key);
  const keyId = createHash('sha256').update('inoculate provenance key id\n').update(secret).digest('hex').slice(0, 16);
  const sign = (domain: string, data: string) => createHmac('sha256', secret).update(`inoculate ${domain}\n`).update(data, 'utf8').digest('hex');
  return {
    keyId,
    sign,
    verify(domain, data, mac) {
      if (typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) return false;
      return timingSafeEqual(Buffer.from(sign(domain, data), 'hex'), Buffer.from(mac, 'hex'));
    },
  };
}

/** A signed document: a check summary, an evaluation summary. */
export interface Signable {
  provenance?: SummaryProvenance;
}

/** What a document's signature covers: everything but the signature itself, in canonical JSON. */
function payload(document: Signable): string {
  const { provenance: _signature, ...rest } = document;
  return stableStringify(rest);
}

/**
 * `document` signed by `provenance` in `domain` (any earlier signature replaced). The domain keeps one kind of
 * document's signature from passing for another's (a check summary's for an evaluation's).
 */
export function signDocument<T extends Signable>(document: T, provenance: Provenance, domain: string): T {
  const { provenance: _old, ...rest } = document;
  return { ...rest, provenance: { producer: provenance.keyId, mac: provenance.sign(domain, payload(rest)) } } as T;
}

/** Whether this user signed `document` in `domain` (its signature verifies under their key); `elsewhere` without a key. */
export function documentOrigin(document: Signable, provenance: Provenance | undefined, domain: string): ResultOrigin {
  if (!provenance) return 'elsewhere';
  const signature = document.provenance;
  if (!signature || signature.producer !== provenance.keyId) return 'elsewhere';
  return provenance.verify(domain, payload(document), signature.mac) ? 'here' : 'elsewhere';
}

/** `summary` signed by `provenance` (any earlier signature replaced). */
export function signSummary(summary: CheckSummary, provenance: Provenance): CheckSummary {
  return signDocument(summary, provenance, 'summary');
}

/** Whether this user measured `summary` (its signature verifies under their key); `elsewhere` without a key. */
export function summaryOrigin(summary: CheckSummary, provenance: Provenance | undefined): ResultOrigin {
  return documentOrigin(summary, provenance, 'summary');
}
