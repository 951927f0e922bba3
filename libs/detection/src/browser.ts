/** Dependency-free detection views shared by the server and the web portal. */
export type { ProvenanceMatch, ProvenanceResult } from './provenance/provenance.view';
