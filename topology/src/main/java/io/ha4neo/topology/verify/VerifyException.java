package io.ha4neo.topology.verify;

/**
 * Verify could not compare the members: one did not answer, is not in the role it must have, the standby did not
 * catch up in time, or a read failed. The message names the member and the step; the command exits 2.
 */
public final class VerifyException extends RuntimeException {
    public VerifyException(String message) {
        super(message);
    }

    public VerifyException(String message, Throwable cause) {
        super(message, cause);
    }
}
