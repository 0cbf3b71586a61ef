package org.ippan.l2.lease.etcd;

import org.ippan.l2.lease.LeaseStore;
import org.ippan.l2.lease.testkit.LeaseStoreContractTest;

/**
 * Holds {@link EtcdLeaseStore} to the lease contract on a real etcd (see {@link LocalEtcd}), in real time: etcd's
 * shortest time to live is about 2 s, and its lessor looks for expired leases every 500 ms before revoking them
 * through raft, hence the generous slack.
 */
class EtcdLeaseStoreContractTest extends LeaseStoreContractTest {

    @Override
    protected LeaseStore open(String leaseName) {
        // Called from the kit's @BeforeEach, before any test touches the store.
        LocalEtcd.assumeReachable();
        return LocalEtcd.open(leaseName);
    }

    @Override
    protected long ttlMs() {
        return 2_000;
    }

    @Override
    protected long expirySlackMs() {
        return 2_000;
    }

    @Override
    protected long expiryPrecisionMs() {
        return 1_500; // the holder's expiry is read in whole seconds, rounded down, plus a request's latency
    }
}
