package io.ha4neo.capture;

import io.ha4neo.capture.rewind.UncapturedCreations;
import io.ha4neo.capture.spool.EventSpool;
import io.ha4neo.capture.spool.SpoolReader;
import io.ha4neo.capture.spool.SpooledEvent;
import io.ha4neo.schemas.codec.ChunkAssembler;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventJson;
import io.ha4neo.schemas.event.TransactionEvent;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a former primary committed that the log does not have: the commits of its epoch after the handover point. Two
 * sources, both exact: the events in its spool after the handover point (never published, or published too late to
 * count), and commit ids Neo4j has that the spool never accounted for (the process stopped between commit and
 * capture), whose content is unknown.
 *
 * <p>The spool's events are exported to a JSON Lines file, one record per line: {@code commitId}, {@code chunk},
 * {@code record} (the record value, base64, exactly as it would have been published: a tool can produce it to a topic
 * to replay it) and {@code event} (Avro's JSON rendering of the record, for people).
 */
final class DivergentTail {
    /**
     * The tail: one line per commit (or range), the spooled commits decoded (oldest first; empty for one that could
     * not be decoded, which makes the tail impossible to undo), whether commits of unknown content are part of it,
     * and the export file (null when nothing was exported).
     */
    record Report(List<String> lines, List<Long> commitIds, List<Optional<TransactionEvent>> events,
                  boolean unknownContent, Path exportFile, long unknownFirst, long unknownLast,
                  Optional<UncapturedCreations> uncaptured, String unknownReason) {
        /** A fenced member's tail as it was reported when it was fenced (the spool may be archived since). */
        static Report asReported(List<String> lines) {
            return new Report(lines, List.of(), List.of(), true, null, -1, -1, Optional.empty(), null);
        }

        boolean isEmpty() {
            return lines.isEmpty();
        }

        /** Whether commit ids {@link #unknownFirst}..{@link #unknownLast} were never captured. */
        boolean hasUncapturedRange() {
            return unknownContent && unknownFirst > 0;
        }

        /** The tail with its uncaptured range resolved from Neo4j's log: they only created {@code creations}. */
        Report withUncaptured(UncapturedCreations creations) {
            List<String> resolved = new ArrayList<>(lines.subList(0, lines.size() - 1));
            resolved.add(lines.get(lines.size() - 1) + "; " + creations.describe());
            return new Report(List.copyOf(resolved), commitIds, events, unknownContent, exportFile, unknownFirst,
                    unknownLast, Optional.of(creations), null);
        }

        /** The tail with the reason its uncaptured range cannot be resolved. */
        Report withUnknownReason(String reason) {
            return new Report(lines, commitIds, events, unknownContent, exportFile, unknownFirst, unknownLast,
                    Optional.empty(), reason);
        }

        /** Why the tail cannot be undone, or empty when every commit of it is known. */
        Optional<String> notUndoable() {
            if (unknownContent && uncaptured.isEmpty()) {
                return Optional.of("some of its commits were never captured, so their content is unknown"
                        + (unknownReason == null ? "" : " (" + unknownReason + ")"));
            }
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).isEmpty()) {
                    return Optional.of("commit " + commitIds.get(i) + " in the spool cannot be decoded");
                }
            }
            return io.ha4neo.capture.rewind.TailRewinder.undoable(events.stream().map(Optional::get).toList());
        }

        /** How many commits the tail holds: the spooled ones and the uncaptured range. */
        long commitCount() {
            return commitIds.size() + (hasUncapturedRange() ? unknownLast - unknownFirst + 1 : 0);
        }

        List<TransactionEvent> decoded() {
            return events.stream().map(Optional::orElseThrow).toList();
        }
    }

    private DivergentTail() {
    }

    /**
     * @param spoolDir         the former primary's spool, not open
     * @param epoch            the epoch it was primary of
     * @param handoverCommitId the last commit of that epoch the log kept
     * @param lastSequencedId  the last commit id the spool accounted for when capture stopped
     * @param lastCommittedId  Neo4j's last commit id then
     */
    static Report find(Path spoolDir, long spoolMaxBytes, EventCodec codec, long epoch, long handoverCommitId,
                       long lastSequencedId, long lastCommittedId) {
        List<String> lines = new ArrayList<>();
        List<Long> ids = new ArrayList<>();
        List<Optional<TransactionEvent>> events = new ArrayList<>();
        Path export = spoolDir.resolve("divergent-tail-epoch-" + epoch + ".jsonl");
        int exported = 0;
        try (EventSpool spool = EventSpool.open(spoolDir, spoolMaxBytes, EventSpool.SyncPolicy.NONE);
             SpoolReader reader = spool.readerAfter(handoverCommitId);
             BufferedWriter out = Files.newBufferedWriter(export, StandardCharsets.UTF_8)) {
            for (List<SpooledEvent> batch = reader.next(1000, 64L << 20, 0); !batch.isEmpty();
                 batch = reader.next(1000, 64L << 20, 0)) {
                for (SpooledEvent e : batch) {
                    Optional<TransactionEvent> whole = decode(e, codec);
                    events.add(whole);
                    lines.add(describe(e, whole, epoch, export));
                    ids.add(e.commitId());
                    for (int chunk = 0; chunk < e.records().size(); chunk++) {
                        out.write(exportLine(e, chunk));
                        out.newLine();
                        exported++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the divergent tail to " + export, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the divergent tail", e);
        }
        long firstUnaccounted = Math.max(lastSequencedId, handoverCommitId) + 1;
        boolean unknown = lastCommittedId >= firstUnaccounted;
        if (unknown) {
            lines.add("commit ids " + firstUnaccounted + ".." + lastCommittedId + " (epoch " + epoch + "): committed "
                    + "but never captured (the process stopped between commit and capture); content unknown, some "
                    + "may be token transactions without data");
        }
        if (exported == 0) {
            deleteQuietly(export);
        }
        return new Report(List.copyOf(lines), List.copyOf(ids), List.copyOf(events), unknown,
                exported == 0 ? null : export, unknown ? firstUnaccounted : -1, unknown ? lastCommittedId : -1,
                Optional.empty(), null);
    }

    private static Optional<TransactionEvent> decode(SpooledEvent e, EventCodec codec) {
        try {
            ChunkAssembler assembler = ChunkAssembler.create(codec);
            Optional<TransactionEvent> whole = Optional.empty();
            for (byte[] record : e.records()) {
                whole = assembler.accept(codec.decode(record));
            }
            return whole;
        } catch (Exception ex) {
            return Optional.empty();
        }
    }

    private static String describe(SpooledEvent e, Optional<TransactionEvent> whole, long epoch, Path export) {
        if (whole.isPresent() && whole.get().isGap()) {
            return "commit ids " + whole.get().gap().firstCommitId() + ".." + whole.get().gap().lastCommitId()
                    + " (epoch " + epoch + "): committed but not captured (" + whole.get().gap().reason()
                    + "); content unknown";
        }
        String what = whole.map(t -> t.isBaseline() ? "the log's baseline (no changes; " + t.baseline() + ")"
                : t.schemaChanges().isEmpty() ? t.changeCount() + " changes"
                : t.schemaChanges().size() + " schema changes").orElse("undecodable");
        return "commit " + e.commitId() + " (epoch " + epoch + "): " + what + "; exported to " + export;
    }

    private static String exportLine(SpooledEvent e, int chunk) {
        byte[] record = e.records().get(chunk);
        String json;
        try {
            json = EventJson.toJson(record);
        } catch (Exception ex) {
            json = "null";
        }
        return "{\"commitId\":" + e.commitId() + ",\"chunk\":" + chunk + ",\"record\":\""
                + Base64.getEncoder().encodeToString(record) + "\",\"event\":" + json + "}";
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // an empty export file is harmless
        }
    }
}
