package io.ha4neo.applier;

import io.ha4neo.applier.config.ApplierConfig;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.topology.TopicNames;

/**
 * The codec and chunk assembler of the schemas module, in the configured mode. Only {@link ApplierMain} calls these;
 * the rest of the applier receives both through constructor parameters, so tests can substitute them.
 */
final class Codecs {
    private Codecs() {
    }

    /**
     * Embedded mode (no {@code schema.registry.url}): the writer schemas are compiled into the jar. Registry mode:
     * writer schema ids are fetched from the registry when first seen and cached for the process's life (registry ids
     * are immutable); a fetch that fails for an outage is a {@code REGISTRY_UNAVAILABLE} decode error, which the
     * applier retries ({@code RecordDecoder}, {@code ApplierErrors}).
     */
    static EventCodec codec(ApplierConfig config) {
        return config.schemaRegistryUrl().isEmpty() ? EventCodecs.embedded()
                : EventCodecs.registry(SchemaRegistryClient.builder(config.schemaRegistryUrl().get())
                        .basicAuthUserInfo(config.schemaRegistryUserInfo()).build(),
                        TopicNames.valueSubject(config.topic()));
    }

    /** An assembler that decodes fragmented transactions with {@code codec}, the codec of the records' mode. */
    static ChunkAssembler chunkAssembler(EventCodec codec) {
        return ChunkAssembler.create(codec);
    }
}
