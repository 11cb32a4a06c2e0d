package io.ha4neo.archfixture.kernel;

import org.neo4j.kernel.api.KernelTransaction;

/** Allowed (listed): the seam to the kernel. */
public class KernelSeam {
    public boolean open(KernelTransaction tx) {
        return tx.isOpen();
    }
}
