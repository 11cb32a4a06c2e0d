package io.ha4neo.capture.repair;

/**
 * A missing range of commits cannot be repaired; capture publishes a gap event for it instead, whose reason is this
 * message, so every standby stops there naming it.
 */
public final class RepairRefusedException extends Exception {
    public RepairRefusedException(String message, Throwable cause) {
        super(message, cause);
    }
}
