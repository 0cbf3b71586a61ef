package org.ippan.l2.storage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The shared term-claim rule on its own; the contract kit checks that adapters apply it. */
class TermRulesTest {

    @Test
    void claim_freshStore_isGrantedForAnyTerm() {
        assertThat(TermRules.claim(0, null, 0, "a")).isEqualTo(new TermGranted(0, null));
        assertThat(TermRules.claim(0, null, 5, "a")).isEqualTo(new TermGranted(0, null));
    }

    @Test
    void claim_higherTerm_isGrantedWhoeverHoldsTheStoredOne() {
        assertThat(TermRules.claim(3, "a", 4, "b")).isEqualTo(new TermGranted(3, "a"));
        assertThat(TermRules.claim(3, "a", 4, "a")).isEqualTo(new TermGranted(3, "a"));
    }

    @Test
    void claim_sameTerm_isGrantedToItsHolderOnly() {
        assertThat(TermRules.claim(3, "a", 3, "a")).isEqualTo(new TermGranted(3, "a"));
        assertThat(TermRules.claim(3, "a", 3, "b")).isEqualTo(new TermRefused(3, "a"));
    }

    @Test
    void claim_lowerTerm_isRefusedEvenToTheHolder() {
        assertThat(TermRules.claim(3, "a", 2, "b")).isEqualTo(new TermRefused(3, "a"));
        assertThat(TermRules.claim(3, "a", 2, "a")).isEqualTo(new TermRefused(3, "a"));
    }
}
