package io.ha4neo.archfixture.contract;

/** Allowed: a contract class that uses the JDK only. */
public record CleanEvent(long commitId, String topic) {
}
