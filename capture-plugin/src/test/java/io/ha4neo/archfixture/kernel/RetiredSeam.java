package io.ha4neo.archfixture.kernel;

/** Listed, but no longer uses the kernel: the list has gone stale. */
public class RetiredSeam {
    public int nothing() {
        return 0;
    }
}
