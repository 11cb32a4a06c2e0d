package io.ha4neo.schemas.codec;

/** An event could not be encoded, for example a single property value larger than the record limit. */
public class EncodeException extends RuntimeException {
    public EncodeException(String message) {
        super(message);
    }

    public EncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
