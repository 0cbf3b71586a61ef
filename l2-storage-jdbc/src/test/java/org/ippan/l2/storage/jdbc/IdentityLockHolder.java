package org.ippan.l2.storage.jdbc;

/** A process that takes the identity lock (args: storage URL, leader id), says LOCKED and holds it until killed. */
public final class IdentityLockHolder {
    private IdentityLockHolder() {
    }

    public static void main(String[] args) throws Exception {
        IdentityLock lock = IdentityLock.acquire(args[0], args[1]);
        System.out.println("LOCKED " + lock);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
