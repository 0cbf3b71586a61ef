/** The in-memory reference {@link org.ippan.l2.lease.LeaseStore}, for tests, simulations and benchmarks. */
package org.ippan.l2.lease.memory;
