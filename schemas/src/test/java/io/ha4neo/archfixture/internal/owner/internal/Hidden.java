package io.ha4neo.archfixture.internal.owner.internal;

/** An implementation detail of {@code owner}. */
public class Hidden {
    public static int answer() {
        return 42;
    }
}
