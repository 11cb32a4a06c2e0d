package io.ha4neo.capture;

import io.ha4neo.capture.txlog.Neo4jVersionPolicy;
import io.ha4neo.capture.txlog.RangePrunedException;
import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import io.ha4neo.capture.txlog.TransactionLogException;
import io.ha4neo.capture.txlog.TransactionLogReader;
import io.ha4neo.capture.txlog.UnreadableTransactionLogException;
import io.ha4neo.capture.txlog.UnsupportedNeo4jVersionException;
import io.ha4neo.schemas.topology.ReservedNames;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.neo4j.common.DependencyResolver;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.recordstorage.Command;
import org.neo4j.kernel.impl.store.LongerShortString;
import org.neo4j.kernel.impl.store.PropertyStore;
import org.neo4j.kernel.impl.store.PropertyType;
import org.neo4j.kernel.impl.store.record.DynamicRecord;
import org.neo4j.kernel.impl.store.record.NodeRecord;
import org.neo4j.kernel.impl.store.record.PropertyBlock;
import org.neo4j.kernel.impl.store.record.PropertyRecord;
import org.neo4j.kernel.impl.store.record.RelationshipGroupRecord;
import org.neo4j.kernel.impl.store.record.RelationshipRecord;
import org.neo4j.kernel.impl.transaction.CommittedCommandBatchRepresentation;
import org.neo4j.kernel.impl.transaction.log.CommandBatchCursor;
import org.neo4j.kernel.impl.transaction.log.LogicalTransactionStore;
import org.neo4j.kernel.impl.transaction.log.NoSuchLogEntryException;
import org.neo4j.kernel.impl.transaction.log.files.LogFiles;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.internal.Version;
import org.neo4j.storageengine.api.CommandBatch;
import org.neo4j.storageengine.api.StorageCommand;
import org.neo4j.storageengine.api.TransactionId;
import org.neo4j.storageengine.api.TransactionIdStore;
import org.neo4j.token.TokenHolders;
import org.neo4j.token.api.TokenConstants;

/**
 * The {@link TransactionLogReader} for Neo4j 5.26 with the record storage engine (Community's only one), on the
 * plugin's kernel seam: every Neo4j-internal type the reader needs is used here and nowhere else.
 *
 * <p>How it reads: Neo4j 5.26 addresses its log by <em>append index</em>, not by transaction id
 * ({@link LogicalTransactionStore#getCommandBatches(long)}). Without chunked transactions (a multi-version-store
 * feature that Community lacks) each transaction is one batch, so the two differ by a constant, taken from the last
 * committed transaction ({@link TransactionIdStore#getLastCommittedTransaction()}). The reader starts there, steps
 * back if a batch shows it started late, then reads forward and checks that the commit ids follow each other.
 *
 * <pre>{@code
 * TransactionLogReader reader = Neo4j526TransactionLogReader.open(db); // refuses a Neo4j other than 5.26.x
 * TouchedEntities touched = reader.read(firstMissing, reader.lastCommittedId());
 * }</pre>
 */
public final class Neo4j526TransactionLogReader implements TransactionLogReader {
    /** Positioning steps back at most this often; in Community the first estimate is exact. */
    private static final int MAX_POSITIONING_STEPS = 64;

    private final LogicalTransactionStore store;
    private final TransactionIdStore transactionIds;
    private final LogFiles logFiles;
    private final Config config;
    private final TokenHolders tokens;

    private Neo4j526TransactionLogReader(DependencyResolver dependencies) {
        this.store = dependencies.resolveDependency(LogicalTransactionStore.class);
        this.transactionIds = dependencies.resolveDependency(TransactionIdStore.class);
        this.logFiles = dependencies.resolveDependency(LogFiles.class);
        this.config = dependencies.resolveDependency(Config.class);
        this.tokens = dependencies.resolveDependency(TokenHolders.class);
    }

    /** A reader of {@code db}'s log, after checking that the running Neo4j is a supported version. */
    public static TransactionLogReader open(GraphDatabaseService db) throws UnsupportedNeo4jVersionException {
        Neo4jVersionPolicy.check(runningVersion());
        return new Neo4j526TransactionLogReader(((GraphDatabaseAPI) db).getDependencyResolver());
    }

    /** The running Neo4j's release version, such as {@code 5.26.16}. */
    public static String runningVersion() {
        return Version.getNeo4jVersion();
    }

    @Override
    public long lastCommittedId() {
        return transactionIds.getLastCommittedTransactionId();
    }

    @Override
    public TouchedEntities read(long first, long last) throws TransactionLogException {
        TransactionId lastCommitted = transactionIds.getLastCommittedTransaction();
        checkRange(first, last, lastCommitted.id());
        long offset = lastCommitted.appendIndex() - lastCommitted.id();
        try {
            int keyProperty = tokens.propertyKeyTokens().getIdByName(ReservedNames.ID_PROPERTY);
            return new TouchedEntities(first, last, readFrom(first + offset, first, last, keyProperty));
        } catch (NoSuchLogEntryException | NoSuchFileException e) {
            throw new RangePrunedException(first, last, oldestAvailableCommitId(), retention(), e);
        } catch (IOException | RuntimeException e) {
            throw new UnreadableTransactionLogException("cannot read commits " + first + ".." + last + " from Neo4j's "
                    + "transaction log: " + e + "; they cannot be repaired from the log", e);
        } catch (LinkageError e) {
            throw new UnreadableTransactionLogException("Neo4j " + runningVersion() + "'s internal log API differs "
                    + "from the one this reader was built for (" + e + "); commits " + first + ".." + last
                    + " cannot be repaired from the log", e);
        }
    }

    private static void checkRange(long first, long last, long lastCommitted) {
        if (first < FIRST_LOGGED_COMMIT_ID || last < first || last > lastCommitted) {
            throw new IllegalArgumentException("cannot read commits " + first + ".." + last + " from Neo4j's "
                    + "transaction log: a range must be non-empty, start at " + FIRST_LOGGED_COMMIT_ID
                    + " or later and end at the last committed id (" + lastCommitted + ") or earlier");
        }
    }

    /** Positions at {@code first}, starting the search at {@code appendIndex}, and reads the range. */
    private List<TouchedTransaction> readFrom(long appendIndex, long first, long last, int keyProperty)
            throws IOException, UnreadableTransactionLogException {
        long candidate = appendIndex;
        for (int step = 0; step < MAX_POSITIONING_STEPS; step++) {
            try (CommandBatchCursor cursor = store.getCommandBatches(candidate)) {
                if (!cursor.next()) {
                    throw unreadable(first, last, "the log ends before append index " + candidate);
                }
                long found = cursor.get().txId();
                if (found <= first) {
                    return readForward(cursor, first, last, keyProperty);
                }
                candidate -= found - first; // each commit takes at least one append index: never steps past it
            }
        }
        throw unreadable(first, last, "commit " + first + " not found within " + MAX_POSITIONING_STEPS
                + " positioning steps");
    }

    /** Reads from the cursor's current batch on: skips commits before {@code first}, stops after {@code last}. */
    private static List<TouchedTransaction> readForward(CommandBatchCursor cursor, long first, long last,
                                                        int keyProperty) throws IOException, UnreadableTransactionLogException {
        List<TouchedTransaction> touched = new ArrayList<>((int) Math.min(last - first + 1, 1 << 16));
        long expected = first;
        do {
            CommittedCommandBatchRepresentation batch = cursor.get();
            if (batch.txId() < first) {
                continue;
            }
            if (batch.txId() != expected) {
                throw unreadable(first, last, "commit " + expected + " is missing (the next batch is commit "
                        + batch.txId() + ")");
            }
            touched.add(touchedBy(batch, first, last, keyProperty));
            expected++;
        } while (expected <= last && cursor.next());
        if (expected <= last) {
            throw unreadable(first, last, "the log ends after commit " + (expected - 1));
        }
        return touched;
    }

    private static TouchedTransaction touchedBy(CommittedCommandBatchRepresentation batch, long first, long last,
                                                int keyProperty) throws UnreadableTransactionLogException {
        CommandBatch commands = batch.commandBatch();
        if (batch.isRollback() || !commands.isFirst() || !commands.isLast()) {
            throw unreadable(first, last, "commit " + batch.txId() + " is a chunked or rolled-back transaction "
                    + "(a multi-version store's), which this reader does not read");
        }
        TouchedTransaction.Builder builder = new TouchedTransaction.Builder(batch.txId(), batch.timeWritten());
        for (StorageCommand command : commands) {
            classify(command, builder, batch.txId(), first, last, keyProperty);
        }
        return builder.build();
    }

    private static void classify(StorageCommand command, TouchedTransaction.Builder builder, long commitId, long first,
                                 long last, int keyProperty) throws UnreadableTransactionLogException {
        if (command instanceof Command.NodeCommand node) {
            node(node, builder);
        } else if (command instanceof Command.RelationshipCommand relationship) {
            relationship(relationship, builder);
        } else if (command instanceof Command.PropertyCommand property) {
            property(property, builder, commitId, first, last, keyProperty);
        } else if (command instanceof Command.RelationshipGroupCommand group) {
            RelationshipGroupRecord record = group.getAfter().inUse() ? group.getAfter() : group.getBefore();
            builder.nodeGroupRewritten(record.getOwningNode());
        } else if (command instanceof Command.TokenCommand<?>) {
            builder.token();
        } else if (command instanceof Command.SchemaRuleCommand) {
            builder.schema();
        } else if (!carriesNoEntity(command)) {
            throw unreadable(first, last, "commit " + commitId + " holds a command this reader does not know: "
                    + command.getClass().getName());
        }
    }

    /** Counts and degrees (derived from the entity commands), a kernel-version upgrade, Enterprise CDC enrichment. */
    private static boolean carriesNoEntity(StorageCommand command) {
        return command instanceof Command.NodeCountsCommand || command instanceof Command.RelationshipCountsCommand
                || command instanceof Command.GroupDegreeCommand || command instanceof Command.MetaDataCommand
                || command instanceof Command.RecordEnrichmentCommand;
    }

    private static void node(Command.NodeCommand command, TouchedTransaction.Builder builder) {
        long id = command.getKey();
        switch (command.getMode()) {
            case CREATE -> builder.nodeCreated(id);
            case DELETE -> builder.nodeDeleted(id);
            case UPDATE -> builder.nodeUpdated(id, labelsChanged(command.getBefore(), command.getAfter()));
        }
    }

    /** The inlined label field, or the dynamic label records it points to, differ. */
    private static boolean labelsChanged(NodeRecord before, NodeRecord after) {
        return before.getLabelField() != after.getLabelField()
                || !sameRecords(before.getDynamicLabelRecords(), after.getDynamicLabelRecords());
    }

    private static boolean sameRecords(List<DynamicRecord> a, List<DynamicRecord> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            DynamicRecord x = a.get(i);
            DynamicRecord y = b.get(i);
            if (x.getId() != y.getId() || x.inUse() != y.inUse() || !Arrays.equals(x.getData(), y.getData())) {
                return false;
            }
        }
        return true;
    }

    private static void relationship(Command.RelationshipCommand command, TouchedTransaction.Builder builder) {
        long id = command.getKey();
        switch (command.getMode()) {
            case CREATE -> builder.relationshipCreated(id, start(command.getAfter()), end(command.getAfter()),
                    command.getAfter().getType());
            case DELETE -> builder.relationshipDeleted(id, start(command.getBefore()), end(command.getBefore()),
                    command.getBefore().getType());
            case UPDATE -> builder.relationshipUpdated(id, start(command.getAfter()), end(command.getAfter()),
                    command.getAfter().getType());
        }
    }

    private static long start(RelationshipRecord record) {
        return record.getFirstNode();
    }

    private static long end(RelationshipRecord record) {
        return record.getSecondNode();
    }

    /**
     * A property record belongs to a node, a relationship or a schema rule: the one in use says, else the one before.
     * When the record lost the replication key property ({@code keyProperty}, {@link TokenConstants#NO_TOKEN} when the
     * store never had one), its value is read from the record before: Neo4j loads a property record with its dynamic
     * value records before it changes it, and logs that before-image whole, so the deleted key is in the log.
     */
    private static void property(Command.PropertyCommand command, TouchedTransaction.Builder builder, long commitId,
                                 long first, long last, int keyProperty) throws UnreadableTransactionLogException {
        PropertyRecord record = command.getAfter().inUse() ? command.getAfter() : command.getBefore();
        String removedKey = keyProperty == TokenConstants.NO_TOKEN ? null
                : removedKey(command.getBefore(), command.getAfter(), keyProperty, commitId, first, last);
        if (record.isNodeSet()) {
            builder.nodeProperties(record.getNodeId());
            if (removedKey != null) {
                builder.nodeKeyRemoved(record.getNodeId(), removedKey);
            }
        } else if (record.isRelSet()) {
            builder.relationshipProperties(record.getRelId());
            if (removedKey != null) {
                builder.relationshipKeyRemoved(record.getRelId(), removedKey);
            }
        } else if (record.isSchemaSet()) {
            builder.schema();
        } else {
            throw unreadable(first, last, "commit " + commitId + " writes property record " + command.getKey()
                    + " without an owner");
        }
    }

    /** The string value of {@code keyProperty} if the record had it before and no longer has it after, else null. */
    private static String removedKey(PropertyRecord before, PropertyRecord after, int keyProperty, long commitId,
                                     long first, long last) throws UnreadableTransactionLogException {
        if (!before.inUse()) {
            return null;
        }
        PropertyBlock block = before.getPropertyBlock(keyProperty);
        if (block == null || (after.inUse() && after.getPropertyBlock(keyProperty) != null)) {
            return null;
        }
        PropertyType type = block.getType();
        if (type == PropertyType.SHORT_STRING) {
            return LongerShortString.decode(block).stringValue();
        }
        if (type == PropertyType.STRING && !block.isLight()) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            for (DynamicRecord value : block.getValueRecords()) { // a string's records have no header
                bytes.write(value.getData(), 0, value.getData().length);
            }
            return PropertyStore.decodeString(bytes.toByteArray());
        }
        throw unreadable(first, last, "commit " + commitId + " removes the replication key property of property "
                + "record " + before.getId() + ", but its value is not in the log (" + type
                + (block.isLight() ? ", value records not logged" : "") + ")");
    }

    private long oldestAvailableCommitId() {
        try {
            long appendIndex = logFiles.getLogFile().getLogFileInformation().getFirstExistingEntryAppendIndex();
            if (appendIndex < 0) {
                return -1;
            }
            try (CommandBatchCursor cursor = store.getCommandBatches(appendIndex)) {
                return cursor.next() ? cursor.get().txId() : -1;
            }
        } catch (IOException | RuntimeException e) {
            return -1; // only for the message: the range is pruned either way
        }
    }

    private String retention() {
        return config.get(GraphDatabaseSettings.keep_logical_logs);
    }

    private static UnreadableTransactionLogException unreadable(long first, long last, String why) {
        return new UnreadableTransactionLogException("cannot read commits " + first + ".." + last + " from Neo4j's "
                + "transaction log: " + why + "; they cannot be repaired from the log", null);
    }
}
