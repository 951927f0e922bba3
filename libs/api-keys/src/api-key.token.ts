import { randomBytes } from 'node:crypto';
import { sha256Hex } from '@velvet/common';

const KEY_PATTERN = /^vr_([a-z0-9]{12})_([A-Za-z0-9_-]{32,64})$/;

export interface NewKeyMaterial {
  key: string;
  lookupId: string;
  secretHash: string;
}

export function generateKeyMaterial(): NewKeyMaterial {
  const lookupId = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const key = `vr_${lookupId}_${randomBytes(32).toString('base64url')}`;
  return { key, lookupId, secretHash: sha256Hex(key) };
}

/** Splits a presented key; null when it cannot be one of ours (rejected without a lookup). */
export function parseKey(key: string): { lookupId: string; secretHash: string } | null {
  const match = KEY_PATTERN.exec(key);
  return match ? { lookupId: match[1], secretHash: sha256Hex(key) } : null;
}
