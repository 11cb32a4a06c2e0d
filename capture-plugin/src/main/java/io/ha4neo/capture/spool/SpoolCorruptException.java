package io.ha4neo.capture.spool;

/** A spool file holds bytes that are not a valid record somewhere other than a torn tail. */
public class SpoolCorruptException extends RuntimeException {
    public SpoolCorruptException(String message) {
        super(message);
    }
}
