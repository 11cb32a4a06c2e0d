package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.event.TransactionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@link ChunkAssembler}: accepts chunks strictly in order 0..n-1 and concatenates their change lists.
 * After a {@link ChunkSequenceException} its state is unchanged, so the caller can inspect it; call
 * {@link #reset()} to drop the partial transaction.
 */
final class OrderedChunkAssembler implements ChunkAssembler {
    private final EventCodec codec;
    private final java.io.ByteArrayOutputStream fragments = new java.io.ByteArrayOutputStream();
    private TransactionEvent first;
    private int next;
    private final List<List<Object>> lists = new ArrayList<>();

    /** @param codec decodes the concatenated slices of a fragmented transaction (the codec that decoded its chunks) */
    OrderedChunkAssembler(EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public Optional<TransactionEvent> accept(TransactionEvent chunk) throws ChunkSequenceException {
        if (first != null) {
            return continuePartial(chunk);
        }
        if (!chunk.isChunked()) {
            return Optional.of(chunk);
        }
        if (chunk.chunkIndex() != 0) {
            throw new ChunkSequenceException(chunk.commitId(), "received chunk " + chunk.chunkIndex() + " of "
                    + chunk.chunkCount() + " but expected chunk 0: chunks 0.." + (chunk.chunkIndex() - 1)
                    + " are missing or out of order");
        }
        start(chunk);
        return Optional.empty();
    }

    private Optional<TransactionEvent> continuePartial(TransactionEvent chunk) throws ChunkSequenceException {
        if (chunk.commitId() != first.commitId()) {
            throw new ChunkSequenceException(first.commitId(), "commit " + chunk.commitId() + " (chunk "
                    + chunk.chunkIndex() + " of " + chunk.chunkCount() + ") started before this commit completed; "
                    + "received chunks 0.." + (next - 1) + " of " + first.chunkCount() + ", chunk " + next + " is missing");
        }
        checkHeader(chunk);
        if (chunk.chunkIndex() != next) {
            String problem = chunk.chunkIndex() < next ? "is a duplicate" : "arrived early: chunks " + next + ".."
                    + (chunk.chunkIndex() - 1) + " are missing or out of order";
            throw new ChunkSequenceException(first.commitId(), "chunk " + chunk.chunkIndex() + " of "
                    + chunk.chunkCount() + " " + problem + "; expected chunk " + next);
        }
        append(chunk);
        return next == first.chunkCount() ? Optional.of(complete()) : Optional.empty();
    }

    private void checkHeader(TransactionEvent c) throws ChunkSequenceException {
        TransactionEvent f = first;
        boolean same = c.chunkCount() == f.chunkCount() && c.previousCommitId() == f.previousCommitId()
                && c.commitTimeMillis() == f.commitTimeMillis() && c.epoch() == f.epoch()
                && c.originClusterId().equals(f.originClusterId()) && c.database().equals(f.database())
                && c.username().equals(f.username()) && c.metadata().equals(f.metadata())
                && c.isFragment() == f.isFragment() && java.util.Objects.equals(c.bootstrap(), f.bootstrap())
                && java.util.Objects.equals(c.repair(), f.repair());
        if (!same) {
            throw new ChunkSequenceException(f.commitId(), "chunk " + c.chunkIndex() + " of " + c.chunkCount()
                    + " has a header different from chunk 0 of " + f.chunkCount() + " (previousCommitId, time, origin, "
                    + "epoch, database, user, metadata, bootstrap mark, repair mark, chunk count or fragmenting "
                    + "differ)");
        }
    }

    private void start(TransactionEvent chunk) {
        first = chunk;
        next = 0;
        lists.clear();
        for (Section s : Section.values()) {
            lists.add(new ArrayList<>());
        }
        append(chunk);
    }

    private void append(TransactionEvent chunk) {
        if (chunk.isFragment()) {
            chunk.fragment().writeTo(fragments);
        }
        for (Section s : Section.values()) {
            lists.get(s.ordinal()).addAll(s.of(chunk));
        }
        next++;
    }

    @SuppressWarnings("unchecked")
    private <T> List<T> list(Section s) {
        return (List<T>) (List<?>) lists.get(s.ordinal());
    }

    private TransactionEvent complete() throws ChunkSequenceException {
        TransactionEvent f = first;
        if (f.isFragment()) {
            return completeFragments(f);
        }
        TransactionEvent whole = new TransactionEvent(f.commitId(), f.previousCommitId(), f.commitTimeMillis(),
                f.originClusterId(), f.epoch(), f.database(), f.username(), f.metadata(),
                list(Section.CREATED_NODES), list(Section.DELETED_NODES), list(Section.LABEL_CHANGES),
                list(Section.NODE_PROPERTY_CHANGES), list(Section.CREATED_RELATIONSHIPS),
                list(Section.DELETED_RELATIONSHIPS), list(Section.RELATIONSHIP_PROPERTY_CHANGES),
                list(Section.SCHEMA_CHANGES), 0, 1, null, null, null, null, f.bootstrap(),
                list(Section.BOOTSTRAP_NODES), list(Section.BOOTSTRAP_RELATIONSHIPS), f.repair());
        reset();
        return whole;
    }

    private TransactionEvent completeFragments(TransactionEvent f) throws ChunkSequenceException {
        byte[] whole = fragments.toByteArray();
        reset();
        TransactionEvent event;
        try {
            event = codec.decode(whole);
        } catch (DecodeException e) {
            throw new ChunkSequenceException(f.commitId(), "the " + f.chunkCount() + " fragments of commit "
                    + f.commitId() + " (" + whole.length + " bytes) do not decode to an event: " + e.getMessage());
        }
        if (event.commitId() != f.commitId() || event.isChunked() || event.isFragment()) {
            throw new ChunkSequenceException(f.commitId(), "the fragments of commit " + f.commitId() + " decode to "
                    + "commit " + event.commitId() + " chunk " + event.chunkIndex() + " of " + event.chunkCount());
        }
        if (!java.util.Objects.equals(event.repair(), f.repair())) {
            throw new ChunkSequenceException(f.commitId(), "the fragments of commit " + f.commitId() + " carry the "
                    + "repair mark " + f.repair() + " but decode to an event with " + event.repair());
        }
        return event;
    }

    @Override
    public void reset() {
        fragments.reset();
        first = null;
        next = 0;
        lists.clear();
    }

    @Override
    public boolean hasPartial() {
        return first != null;
    }
}
