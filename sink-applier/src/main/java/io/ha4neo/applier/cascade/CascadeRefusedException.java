package io.ha4neo.applier.cascade;

/**
 * The cascade relay cannot copy into its target topic without harm (it is a primary's log, another relay's target, or
 * has several partitions): the relay stops for good and says why; the applier goes on applying.
 */
public final class CascadeRefusedException extends RuntimeException {
    public CascadeRefusedException(String message) {
        super(message);
    }
}
