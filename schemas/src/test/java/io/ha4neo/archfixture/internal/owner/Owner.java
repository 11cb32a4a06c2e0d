package io.ha4neo.archfixture.internal.owner;

import io.ha4neo.archfixture.internal.owner.internal.Hidden;

/** Allowed: the parent package uses its own internal package. */
public class Owner {
    public int answer() {
        return Hidden.answer();
    }
}
