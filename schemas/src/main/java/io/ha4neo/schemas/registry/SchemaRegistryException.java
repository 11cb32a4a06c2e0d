package io.ha4neo.schemas.registry;

import java.net.URI;

/**
 * A Schema Registry request failed. Names the URL, the subject or schema id involved, the HTTP status
 * ({@link #NO_RESPONSE} when no response arrived) and the registry's own {@code error_code} and
 * {@code message} when it sent them.
 */
public class SchemaRegistryException extends Exception {
    /** {@link #httpStatus()} when the request got no HTTP response (connection refused, timeout, ...). */
    public static final int NO_RESPONSE = -1;
    /** {@link #errorCode()} when the registry sent none. */
    public static final int NO_ERROR_CODE = -1;

    private final URI url;
    private final int httpStatus;
    private final int errorCode;
    private final String registryMessage;

    public SchemaRegistryException(String what, URI url, int httpStatus, int errorCode, String registryMessage,
            Throwable cause) {
        super(message(what, url, httpStatus, errorCode, registryMessage, cause), cause);
        this.url = url;
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.registryMessage = registryMessage;
    }

    private static String message(String what, URI url, int status, int code, String text, Throwable cause) {
        StringBuilder m = new StringBuilder("schema registry ").append(what).append(" (").append(url).append(") failed: ");
        if (status == NO_RESPONSE) {
            m.append("no response").append(cause == null ? "" : ": " + cause);
        } else {
            m.append("HTTP ").append(status);
            if (code != NO_ERROR_CODE) {
                m.append(", error_code ").append(code);
            }
            if (text != null && !text.isEmpty()) {
                m.append(": ").append(text);
            }
        }
        return m.toString();
    }

    public URI url() {
        return url;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The registry's {@code error_code} (for example 40403 schema not found), or {@link #NO_ERROR_CODE}. */
    public int errorCode() {
        return errorCode;
    }

    /** The registry's {@code message}, or the response body when it was not JSON; may be null. */
    public String registryMessage() {
        return registryMessage;
    }

    /** True for 404: the subject, version or schema id does not exist. */
    public boolean isNotFound() {
        return httpStatus == 404;
    }

    /**
     * True when trying again later may succeed: no response, 408, 429 or a 5xx. Client errors (bad schema,
     * incompatible schema, authentication) are not retriable.
     */
    public boolean isRetriable() {
        return httpStatus == NO_RESPONSE || httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }
}
