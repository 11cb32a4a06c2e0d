package io.ha4neo.schemas.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;

/**
 * The Avro schemas of the replication log, as shipped in this jar under {@code avro/}.
 *
 * <p>Versions and their fixed embedded schema ids (used in the wire format when no Schema Registry is
 * configured; in registry mode the registry assigns ids instead):
 * <table>
 *   <tr><th>version</th><th>embedded id</th><th>resource</th><th>change</th></tr>
 *   <tr><td>1</td><td>{@value #EMBEDDED_ID_V1}</td><td>{@code avro/history/transaction-event-v1.avsc}</td>
 *       <td>first version</td></tr>
 *   <tr><td>2</td><td>{@value #EMBEDDED_ID_V2}</td><td>{@code avro/history/transaction-event-v2.avsc}</td>
 *       <td>adds {@code metadata} (map of strings, default empty)</td></tr>
 *   <tr><td>3</td><td>{@value #EMBEDDED_ID_V3}</td><td>{@code avro/history/transaction-event-v3.avsc}</td>
 *       <td>adds {@code gap} (null or a {@code CaptureGap} record, default null): gap events; and {@code fragment}</td></tr>
 *   <tr><td>4</td><td>{@value #EMBEDDED_ID_V4}</td><td>{@code avro/history/transaction-event-v4.avsc}</td>
 *       <td>adds {@code epochStart} (null or an {@code EpochStart} record, default null): the first event of an
 *       epoch, which links the chain across a switchover or failover</td></tr>
 *   <tr><td>5</td><td>{@value #EMBEDDED_ID_V5}</td><td>{@code avro/history/transaction-event-v5.avsc}</td>
 *       <td>adds {@code baseline} (null or a {@code CaptureBaseline} record, default null): the first event of the
 *       log, written when capture first starts, with what the store already held then</td></tr>
 *   <tr><td>6</td><td>{@value #EMBEDDED_ID_V6}</td><td>{@code avro/history/transaction-event-v6.avsc}</td>
 *       <td>adds {@code bootstrap} (null or a {@code BootstrapMark} record, default null) and the lists
 *       {@code bootstrapNodes} and {@code bootstrapRelationships} (default empty): the events of an online seed of a
 *       standby, with complete entity images</td></tr>
 *   <tr><td>7</td><td>{@value #EMBEDDED_ID_V7}</td><td>{@code avro/transaction-event.avsc}</td>
 *       <td>adds {@code repair} (null or a {@code RepairMark} record, default null): repair events, a range of commit
 *       ids committed but not captured, rebuilt from Neo4j's transaction log as entity images and deletions by
 *       key</td></tr>
 * </table>
 * Compatibility rule: BACKWARD, i.e. the current schema reads every older version. An embedded id is
 * never reused for another schema: a new version gets the next id and keeps its predecessors readable.
 */
public final class EventSchemas {
    /** Embedded schema id of version 1. */
    public static final int EMBEDDED_ID_V1 = 1;
    /** Embedded schema id of version 2. */
    public static final int EMBEDDED_ID_V2 = 2;
    /** Embedded schema id of version 3. */
    public static final int EMBEDDED_ID_V3 = 3;
    /** Embedded schema id of version 4. */
    public static final int EMBEDDED_ID_V4 = 4;
    /** Embedded schema id of version 5. */
    public static final int EMBEDDED_ID_V5 = 5;
    /** Embedded schema id of version 6. */
    public static final int EMBEDDED_ID_V6 = 6;
    /** Embedded schema id of version 7, the current version. */
    public static final int EMBEDDED_ID_V7 = 7;
    /** The version new events are written with. */
    public static final int CURRENT_VERSION = 7;

    private static final Map<Integer, String> RESOURCES = Map.of(
            1, "/avro/history/transaction-event-v1.avsc",
            2, "/avro/history/transaction-event-v2.avsc",
            3, "/avro/history/transaction-event-v3.avsc",
            4, "/avro/history/transaction-event-v4.avsc",
            5, "/avro/history/transaction-event-v5.avsc",
            6, "/avro/history/transaction-event-v6.avsc",
            7, "/avro/transaction-event.avsc");
    private static final Map<Integer, Schema> SCHEMAS = Map.of(1, load(1), 2, load(2), 3, load(3), 4, load(4),
            5, load(5), 6, load(6), 7, load(7));

    private EventSchemas() {
    }

    /** The schema new events are written with (and the reader schema of every decode). */
    public static Schema current() {
        return SCHEMAS.get(CURRENT_VERSION);
    }

    /** The schema of a version, 1..{@link #CURRENT_VERSION}. */
    public static Schema version(int version) {
        Schema schema = SCHEMAS.get(version);
        if (schema == null) {
            throw new IllegalArgumentException("no event schema version " + version + "; known: 1.."
                    + CURRENT_VERSION);
        }
        return schema;
    }

    /** The embedded schema id of a version. Ids equal versions, by design, so they can never drift. */
    public static int embeddedId(int version) {
        version(version);
        return version;
    }

    /** The classpath resource holding a version's .avsc. */
    public static String resourcePath(int version) {
        version(version);
        return RESOURCES.get(version);
    }

    private static Schema load(int version) {
        String path = RESOURCES.get(version);
        try (InputStream in = EventSchemas.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("schema resource " + path + " is missing from the jar");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + path, e);
        }
    }
}
