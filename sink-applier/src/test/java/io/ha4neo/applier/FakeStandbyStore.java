package io.ha4neo.applier;

import io.ha4neo.applier.plan.PlannedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** In-memory {@link StandbyStore} that records what was written, with the same watermark check. */
final class FakeStandbyStore implements StandbyStore {
    Watermark watermark;
    final List<List<PlannedStatement>> batches = new ArrayList<>();
    final List<SkippedCommit> skips = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final Set<String> schemaObjects = new HashSet<>();
    RuntimeException failNextWrite;
    Runnable onFailedWrite = () -> { };

    @Override public void ensureReservedSchema() { log.add("ensure"); }
    @Override public Optional<Watermark> readWatermark() { return Optional.ofNullable(watermark); }

    @Override
    public void writeBatch(long expected, List<PlannedStatement> statements, Watermark next, List<SkippedCommit> s) {
        if (failNextWrite != null) {
            RuntimeException e = failNextWrite;
            failNextWrite = null;
            onFailedWrite.run();
            throw e;
        }
        long found = watermark == null ? 0 : watermark.commitId();
        if (found != expected) {
            throw new FatalApplierException("divergence", "expected " + expected + " found " + found);
        }
        batches.add(statements);
        skips.addAll(s);
        watermark = next;
        log.add("write " + next.commitId() + "@" + next.offset());
    }

    @Override public boolean schemaObjectExists(String name) { return schemaObjects.contains(name); }

    @Override
    public void runSchemaStatement(String statement) {
        log.add("schema " + statement);
        schemaObjects.add(statement.split(" ")[2]);
    }

    @Override public void awaitIndexes(int seconds) { log.add("await " + seconds); }
    @Override public void ping() { }
}
