package io.ha4neo.archfixture.cycle.sub;

import io.ha4neo.archfixture.cycle.CycleRoot;

/** …and {@code sub} uses the root package back: a cycle that slices of subpackages alone cannot see. */
public class CycleLeaf {
    public CycleRoot root() {
        return new CycleRoot();
    }
}
