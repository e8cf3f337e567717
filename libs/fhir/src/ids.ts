import { createHash } from 'node:crypto';

/**
 * A name-based UUID (RFC 9562 version 8, from SHA-256 of the names): the same episode always gives
 * its resources the same ids, and no id carries the episode's data (an MRN never becomes a URL).
 */
export const nameBasedUuid = (...names: readonly string[]): string => {
  const hex = createHash('sha256').update(JSON.stringify(names)).digest('hex');
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
