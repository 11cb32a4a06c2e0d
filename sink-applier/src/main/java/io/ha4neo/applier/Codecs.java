package io.ha4neo.applier;

import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;

/**
 * The codec and chunk assembler of the schemas module. Only {@link ApplierMain} calls these; the rest of
 * the applier receives both through constructor parameters, so tests can substitute them.
 */
final class Codecs {
    private Codecs() {
    }

    /** Embedded mode: the writer schemas are compiled into the jar, no registry needed. */
    static EventCodec embeddedCodec() {
        return EventCodecs.embedded();
    }

    static ChunkAssembler chunkAssembler() {
        return ChunkAssembler.create();
    }
}
