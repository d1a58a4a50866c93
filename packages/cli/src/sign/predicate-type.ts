/** The in-toto predicate type of a stamp attestation (docs/json-stamp.md): `elfkit attest` writes it, `elfkit verify --attestation` expects it. */
export const STAMP_PREDICATE_TYPE = 'urn:elfkit:stamp:v1';
