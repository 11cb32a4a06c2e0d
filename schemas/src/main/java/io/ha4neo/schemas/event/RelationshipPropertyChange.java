package io.ha4neo.schemas.event;

/**
 * A property set or removed on a relationship that existed before the transaction and still exists.
 *
 * @param ref identity, type and endpoints of the relationship
 * @param change what happened to the property
 */
public record RelationshipPropertyChange(RelationshipRef ref, PropertyChange change) {
    public RelationshipPropertyChange {
        java.util.Objects.requireNonNull(ref, "ref");
        java.util.Objects.requireNonNull(change, "change");
    }
}
