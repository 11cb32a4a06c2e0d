package io.ha4neo.archfixture.internal.owner.internal.deeper;

import io.ha4neo.archfixture.internal.owner.internal.Hidden;

/** Allowed: a class inside {@code owner.internal..} uses its sibling internals. */
public class Helper {
    public int twice() {
        return 2 * Hidden.answer();
    }
}
