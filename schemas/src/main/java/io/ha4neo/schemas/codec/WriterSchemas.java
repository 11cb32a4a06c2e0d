package io.ha4neo.schemas.codec;

import org.apache.avro.Schema;

/** Where the codec gets schema ids: compiled in (embedded mode) or from a Schema Registry. */
interface WriterSchemas {
    /** The id to write the current schema with. @throws EncodeException when it cannot be obtained */
    int currentId();

    /** The writer schema of an id found in a record value. */
    Schema writerSchema(int id) throws DecodeException;

    /** Describes the mode for messages, e.g. "embedded schemas" or "registry http://... subject s". */
    String describe();
}
