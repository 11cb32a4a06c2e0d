package io.ha4neo.capture.txlog;

/** How a transaction touched a node or relationship, as its log records say. */
public enum Touch {
    /** Its record was created: the entity is new in this transaction. */
    CREATED,
    /** It existed before and after; its labels or properties changed. */
    CHANGED,
    /** Its record was deleted: the entity is gone after this transaction. */
    DELETED
}
