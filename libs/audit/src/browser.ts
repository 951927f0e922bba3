/**
 * The part of the audit lib a browser can run (no Node built-ins, no Nest): the web portal
 * verifies proofs with the same RFC 9162 code the CLI uses.
 */
export { AUDIT_FLAGS } from './audit-flags';
export { entryOfLeaf } from './merkle/leaf-entry';
export { merkleVerifier } from './merkle/merkle-verifier';
