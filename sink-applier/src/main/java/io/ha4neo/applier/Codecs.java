package io.ha4neo.applier;

import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;

/**
 * Obtains the codec and chunk assembler implementations of the schemas module
 * ({@code EventCodecs.embedded()}, {@code ChunkAssembler.create()}). Looked up reflectively so that this
 * module compiles while the codec is still being written; the rest of the applier receives both through
 * constructor parameters.
 */
final class Codecs {
    private Codecs() {
    }

    static EventCodec embeddedCodec() {
        try {
            Class<?> factory = Class.forName("io.ha4neo.schemas.codec.EventCodecs");
            try {
                return (EventCodec) factory.getMethod("embedded").invoke(null);
            } catch (NoSuchMethodException e) {
                return (EventCodec) factory.getMethod("embedded", int.class).invoke(null, 512 * 1024);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the schemas module on the classpath has no EventCodecs.embedded(); "
                    + "rebuild with a schemas version that includes the codec", e);
        }
    }

    static ChunkAssembler chunkAssembler() {
        try {
            return (ChunkAssembler) ChunkAssembler.class.getMethod("create").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the schemas module on the classpath has no ChunkAssembler.create(); "
                    + "rebuild with a schemas version that includes the codec", e);
        }
    }
}
