package io.ha4neo.archfixture.internal.intruder;

import io.ha4neo.archfixture.internal.owner.internal.Hidden;

/** The violation: a sibling package reaches into {@code owner.internal}. */
public class Intruder {
    public int steal() {
        return Hidden.answer();
    }
}
