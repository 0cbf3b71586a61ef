/**
 * Admission: the pure rules a tx must pass and the typed, stable-coded refusals.
 */
package org.ippan.l2.core.admission;
