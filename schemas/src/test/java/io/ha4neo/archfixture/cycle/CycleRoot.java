package io.ha4neo.archfixture.cycle;

import io.ha4neo.archfixture.cycle.sub.CycleLeaf;

/** The root package of the fixture uses its subpackage {@code sub}… */
public class CycleRoot {
    public CycleLeaf leaf() {
        return new CycleLeaf();
    }
}
