package io.ha4neo.archfixture.kernel.leak;

import org.neo4j.storageengine.api.TransactionIdStore;

/** The violation: a class that is not on the list reads the kernel's transaction id store. */
public class KernelLeak {
    public long lastCommitted(TransactionIdStore store) {
        return store.getLastCommittedTransactionId();
    }
}
