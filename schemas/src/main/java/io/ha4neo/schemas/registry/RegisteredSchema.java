package io.ha4neo.schemas.registry;

/**
 * One version of a subject in a Schema Registry.
 *
 * @param subject the subject name
 * @param version the subject-local version number
 * @param id the registry-global schema id (the one written into record values)
 * @param schema the schema text (Avro JSON)
 */
public record RegisteredSchema(String subject, int version, int id, String schema) {
}
