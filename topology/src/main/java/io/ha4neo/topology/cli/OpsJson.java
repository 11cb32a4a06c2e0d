package io.ha4neo.topology.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON rendering of every {@code --json} output: records become objects, field order as declared. */
final class OpsJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private OpsJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }
}
