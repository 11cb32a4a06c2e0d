package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.codec.DecodeException.Reason;
import org.apache.avro.Schema;

/** Embedded mode: the fixed ids of {@link EventSchemas}, no registry involved. */
final class EmbeddedSchemas implements WriterSchemas {
    @Override
    public int currentId() {
        return EventSchemas.embeddedId(EventSchemas.CURRENT_VERSION);
    }

    @Override
    public Schema writerSchema(int id) throws DecodeException {
        if (id < 1 || id > EventSchemas.CURRENT_VERSION) {
            throw new DecodeException(Reason.UNKNOWN_SCHEMA_ID, "schema id " + id
                    + " is not an embedded event schema id (known: 1.." + EventSchemas.CURRENT_VERSION
                    + "); was the record written through a Schema Registry, or by a newer ha4neo?");
        }
        return EventSchemas.version(id);
    }

    @Override
    public String describe() {
        return "embedded schemas";
    }
}
