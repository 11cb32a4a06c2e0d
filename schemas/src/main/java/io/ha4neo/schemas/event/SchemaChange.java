package io.ha4neo.schemas.event;

/**
 * An index or constraint created or dropped, as a replayable definition.
 *
 * @param operation CREATE or DROP
 * @param kind INDEX or CONSTRAINT
 * @param name the schema object's name (Neo4j names every index and constraint)
 * @param statement for CREATE: a Cypher statement that recreates the object with the same name and
 *                  options; for DROP: the matching {@code DROP INDEX|CONSTRAINT name IF EXISTS}
 */
public record SchemaChange(Operation operation, Kind kind, String name, String statement) {
    /** Whether the schema object appeared or disappeared. */
    public enum Operation { CREATE, DROP }

    /** What kind of schema object. Constraint-owned indexes are never reported on their own. */
    public enum Kind { INDEX, CONSTRAINT }

    public SchemaChange {
        java.util.Objects.requireNonNull(operation, "operation");
        java.util.Objects.requireNonNull(kind, "kind");
        if (name == null || name.isEmpty() || statement == null || statement.isEmpty()) {
            throw new IllegalArgumentException("schema change " + operation + " " + kind
                    + " needs a name and a statement, got name=" + name + " statement=" + statement);
        }
    }
}
