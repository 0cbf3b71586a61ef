/**
 * Inclusion proofs v1 ({@code docs/spec/inclusion-proof-v1.md}): {@link org.ippan.l2.core.proof.InclusionProof}
 * carries a tx's batch as signed and posted to the L1, so an outsider can check offline that the tx is in the
 * batch, that the batch is signed by the sequencer key and links to its predecessor, and under which idempotency
 * key it is (to be) on the L1; {@link org.ippan.l2.core.proof.ProofJson} is its JSON form, and
 * {@link org.ippan.l2.core.proof.DelayEvidence} weighs a signed admission receipt against a proof and the time: the
 * seed's "proof of delay". Depends on the wire, envelope, contract and receipt packages, never on the engine.
 */
package org.ippan.l2.core.proof;
