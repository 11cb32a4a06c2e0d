package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.registry.SchemaRegistryException;
import java.util.List;
import java.util.Optional;

/**
 * Creates {@link EventCodec}s.
 *
 * <ul>
 *   <li>{@link #embedded()}: no registry. Records carry the fixed embedded schema id of their version
 *       ({@link EventSchemas#EMBEDDED_ID_V1} = 1, {@link EventSchemas#EMBEDDED_ID_V2} = 2, the current);
 *       decoding knows every version compiled into this jar.</li>
 *   <li>{@link #registered}: registry mode for a producer. The subject's compatibility is made BACKWARD and the
 *       current schema registered before the codec is returned, so that encoding never waits for the
 *       registry.</li>
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
        checkSubject(subject);
        return new AvroEventCodec(new RegistrySchemas(client, subject, EventSchemas.current()),
                checkLimit(maxRecordBytes));
    }

    /**
     * The compatibility level the event schema's evolution rule needs of a registry subject (docs/event-model.md):
     * the current schema reads every earlier version.
     */
    public static final String COMPATIBILITY = "BACKWARD";

    /**
     * Levels that include {@link #COMPATIBILITY} (each also requires that the new schema reads the older ones), which
     * {@link #registered} leaves as an operator set them.
     */
    public static final List<String> COMPATIBILITY_AT_LEAST_BACKWARD = List.of("BACKWARD", "BACKWARD_TRANSITIVE",
            "FULL", "FULL_TRANSITIVE");

    /**
     * A producer's registry codec, ready: the subject's compatibility was checked (and set to {@link #COMPATIBILITY}
     * when it was another level or none), and the current schema registered under it with id {@code schemaId}.
     *
     * @param compatibilityBefore the subject's own level before, empty when it had none
     * @param compatibility the subject's level now
     */
    public record Registered(EventCodec codec, String subject, int schemaId, Optional<String> compatibilityBefore,
                             String compatibility) {
        /** True when this call changed the subject's level. */
        public boolean compatibilityChanged() {
            return !compatibilityBefore.equals(Optional.of(compatibility));
        }
    }

    /**
     * Registry mode for a producer, with everything that needs the registry done now: the subject's compatibility
     * level is set to {@link #COMPATIBILITY} unless it has that level or a stricter one
     * ({@link #COMPATIBILITY_AT_LEAST_BACKWARD}), then the current schema is registered under the subject
     * (idempotent: a schema the subject has keeps its id). Encoding needs no network afterwards; decoding fetches
     * unknown writer ids as in {@link #registry}.
     *
     * @throws SchemaRegistryException when the registry cannot be asked or refuses ({@code isRetriable()} tells
     *         which); nothing was encoded
     */
    public static Registered registered(SchemaRegistryClient client, String subject, int maxRecordBytes)
            throws SchemaRegistryException {
        checkSubject(subject);
        Optional<String> before = client.compatibility(subject);
        String level = before.filter(COMPATIBILITY_AT_LEAST_BACKWARD::contains).orElse(COMPATIBILITY);
        if (!before.equals(Optional.of(level))) {
            client.setCompatibility(subject, level);
        }
        RegistrySchemas schemas = new RegistrySchemas(client, subject, EventSchemas.current());
        int id = schemas.registerNow();
        return new Registered(new AvroEventCodec(schemas, checkLimit(maxRecordBytes)), subject, id, before, level);
    }

    private static void checkSubject(String subject) {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("registry subject must be a non-blank string, e.g. <topic>-value");
        }
    }

    private static int checkLimit(int maxRecordBytes) {
        if (maxRecordBytes < MIN_MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("maxRecordBytes must be at least " + MIN_MAX_RECORD_BYTES + ", was "
                    + maxRecordBytes);
        }
        return maxRecordBytes;
    }
}
