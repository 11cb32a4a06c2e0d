package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.registry.SchemaRegistryException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * Registry mode: the current schema is registered under the subject on first encode, and writer schemas
 * are fetched by id on first sight. Both are cached for the codec's life (registry ids are immutable).
 */
final class RegistrySchemas implements WriterSchemas {
    private final SchemaRegistryClient client;
    private final String subject;
    private final Schema reader;
    private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
    private volatile int currentId = -1;

    RegistrySchemas(SchemaRegistryClient client, String subject, Schema reader) {
        this.client = java.util.Objects.requireNonNull(client, "client");
        this.subject = java.util.Objects.requireNonNull(subject, "subject");
        this.reader = reader;
    }

    @Override
    public int currentId() {
        int id = currentId;
        return id >= 0 ? id : registerCurrent();
    }

    /** Registers the current schema now (idempotent) and returns its id; encoding then needs no network. */
    synchronized int registerNow() throws SchemaRegistryException {
        if (currentId < 0) {
            int id = client.register(subject, reader.toString());
            byId.put(id, reader);
            currentId = id;
        }
        return currentId;
    }

    private synchronized int registerCurrent() {
        if (currentId < 0) {
            try {
                registerNow();
            } catch (SchemaRegistryException e) {
                throw new EncodeException("cannot register the event schema v" + EventSchemas.CURRENT_VERSION
                        + " under subject " + subject + "; nothing was encoded"
                        + (e.isRetriable() ? ", retry when the registry is reachable" : ", fix the registry setup")
                        + ": " + e.getMessage(), e);
            }
        }
        return currentId;
    }

    @Override
    public Schema writerSchema(int id) throws DecodeException {
        Schema known = byId.get(id);
        if (known != null) {
            return known;
        }
        Schema fetched = compatible(id, parse(id, fetch(id)));
        byId.put(id, fetched);
        return fetched;
    }

    private String fetch(int id) throws DecodeException {
        try {
            return client.schemaById(id);
        } catch (SchemaRegistryException e) {
            Reason reason = e.isNotFound() ? Reason.UNKNOWN_SCHEMA_ID : Reason.REGISTRY_UNAVAILABLE;
            throw new DecodeException(reason, "cannot fetch writer schema id " + id + ": " + e.getMessage(), e);
        }
    }

    private static Schema parse(int id, String text) throws DecodeException {
        try {
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw new DecodeException(Reason.INVALID_EVENT, "registry schema id " + id + " is not a valid Avro schema: "
                    + e.getMessage(), e);
        }
    }

    /** A writer schema the current reader cannot resolve would fail on every record; say so once, clearly. */
    private Schema compatible(int id, Schema writer) throws DecodeException {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new DecodeException(Reason.INVALID_EVENT, "writer schema id " + id + " cannot be read by event schema v"
                    + EventSchemas.CURRENT_VERSION + ": " + result.getDescription());
        }
        return writer;
    }

    @Override
    public String describe() {
        return "registry " + client.baseUrl() + " subject " + subject;
    }
}
