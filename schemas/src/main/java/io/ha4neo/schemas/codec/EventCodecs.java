package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.registry.SchemaRegistryClient;

/**
 * Creates {@link EventCodec}s.
 *
 * <ul>
 *   <li>{@link #embedded()}: no registry. Records carry the fixed embedded schema id of their version
 *       ({@link EventSchemas#EMBEDDED_ID_V1} = 1, {@link EventSchemas#EMBEDDED_ID_V2} = 2, the current);
 *       decoding knows every version compiled into this jar.</li>
 *   <li>{@link #registry}: the current schema is registered under a subject on first encode and records
 *       carry the registry's id; unknown writer ids are fetched from the registry on decode (cached) and
 *       resolved into the current schema with Avro schema resolution.</li>
 * </ul>
 * Both modes produce the Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary),
 * so generic Avro consumers can read the topic. The two modes' ids are different id spaces: a topic must be
 * written and read in the same mode.
 */
public final class EventCodecs {
    /**
     * Default record limit: 900 KiB, safely under Kafka's default 1 MB {@code max.message.bytes} once the
     * record key, headers and batch overhead are added.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = 900 * 1024;
    /** Smallest accepted limit: below this, headers with realistic names would not fit. */
    public static final int MIN_MAX_RECORD_BYTES = 1024;

    private EventCodecs() {
    }

    /** Embedded mode with the default limit {@link #DEFAULT_MAX_RECORD_BYTES}. */
    public static EventCodec embedded() {
        return embedded(DEFAULT_MAX_RECORD_BYTES);
    }

    /** Embedded mode: no registry, records larger than {@code maxRecordBytes} are chunked. */
    public static EventCodec embedded(int maxRecordBytes) {
        return new AvroEventCodec(new EmbeddedSchemas(), checkLimit(maxRecordBytes));
    }

    /** Registry mode with the default limit. */
    public static EventCodec registry(SchemaRegistryClient client, String subject) {
        return registry(client, subject, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * Registry mode. The registry is contacted lazily: on the first encode (register the current schema
     * under {@code subject}, idempotent) and on the first decode of each unknown schema id.
     *
     * @param subject the subject, by Confluent convention {@code <topic>-value}
     */
    public static EventCodec registry(SchemaRegistryClient client, String subject, int maxRecordBytes) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("registry subject must be a non-blank string, e.g. <topic>-value");
        }
        return new AvroEventCodec(new RegistrySchemas(client, subject, EventSchemas.current()),
                checkLimit(maxRecordBytes));
    }

    private static int checkLimit(int maxRecordBytes) {
        if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be at least " + MIN_MAX_RECORD_BYTES + ", was "
                    + maxRecordBytes);
        }
        return maxRecordBytes;
    }
}
