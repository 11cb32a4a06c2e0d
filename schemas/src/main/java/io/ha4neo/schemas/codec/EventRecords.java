package io.ha4neo.schemas.codec;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.CaptureBaseline;
import io.ha4neo.schemas.event.CaptureGap;
import io.ha4neo.schemas.event.EpochStart;
import io.ha4neo.schemas.event.Fragment;
import io.ha4neo.schemas.event.LabelChange;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.NodePropertyChange;
import io.ha4neo.schemas.event.PropertyChange;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipDeleted;
import io.ha4neo.schemas.event.RelationshipPropertyChange;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.RepairMark;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.value.Value;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Maps {@link TransactionEvent}s to and from Avro generic records of the current schema. Pure and
 * thread-safe. Encoding goes through {@link Changes}, the per-change records of one event, so that the
 * chunker can size and slice them without building them twice.
 */
final class EventRecords {
    private final Schema event;
    private final Map<Section, Schema> itemSchemas = new EnumMap<>(Section.class);
    private final Schema propertyChange;
    private final Schema relationshipRef;
    private final Schema operation;
    private final Schema kind;
    private final ValueRecords values;
    private final List<Section> listOrder;
    private final Schema header;

    EventRecords(Schema event) {
        this.event = event;
        this.listOrder = listOrder(event);
        this.header = headerOf(event, listOrder);
        for (Section s : Section.values()) {
            itemSchemas.put(s, event.getField(s.field).schema().getElementType());
        }
        Schema nodeCreated = itemSchemas.get(Section.CREATED_NODES);
        this.values = new ValueRecords(nodeCreated.getField("properties").schema().getValueType());
        this.propertyChange = itemSchemas.get(Section.NODE_PROPERTY_CHANGES).getField("change").schema();
        this.relationshipRef = itemSchemas.get(Section.CREATED_RELATIONSHIPS).getField("ref").schema();
        Schema schemaChange = itemSchemas.get(Section.SCHEMA_CHANGES);
        this.operation = schemaChange.getField("operation").schema();
        this.kind = schemaChange.getField("kind").schema();
    }

    Schema schema() {
        return event;
    }

    /**
     * The header fields (those before the first change list) as a record schema of their own: the codec
     * encodes the header once and the change items once, then assembles records from the bytes.
     */
    Schema headerSchema() {
        return header;
    }

    /** The change lists in the order of their fields in the event schema (the order on the wire). */
    List<Section> listOrder() {
        return listOrder;
    }

    GenericRecord headerRecord(TransactionEvent e) {
        GenericRecord r = new GenericData.Record(header);
        r.put("commitId", e.commitId());
        r.put("previousCommitId", e.previousCommitId());
        r.put("commitTimeMillis", e.commitTimeMillis());
        r.put("originClusterId", e.originClusterId());
        r.put("epoch", e.epoch());
        r.put("database", e.database());
        r.put("username", e.username());
        r.put("metadata", e.metadata());
        r.put("gap", e.gap() == null ? null : gapRecord(e.gap()));
        r.put("epochStart", e.epochStart() == null ? null : epochStartRecord(e.epochStart()));
        r.put("baseline", e.baseline() == null ? null : baselineRecord(e.baseline()));
        r.put("bootstrap", e.bootstrap() == null ? null : bootstrapRecord(e.bootstrap()));
        r.put("repair", e.repair() == null ? null : repairRecord(e.repair()));
        return r;
    }

    private GenericRecord repairRecord(RepairMark mark) {
        GenericRecord r = new GenericData.Record(header.getField("repair").schema().getTypes().get(1));
        r.put("firstCommitId", mark.firstCommitId());
        r.put("lastCommitId", mark.lastCommitId());
        r.put("transactions", mark.transactions());
        r.put("reason", mark.reason());
        return r;
    }

    private GenericRecord bootstrapRecord(BootstrapMark mark) {
        Schema markSchema = header.getField("bootstrap").schema().getTypes().get(1);
        GenericRecord r = new GenericData.Record(markSchema);
        r.put("run", mark.run());
        r.put("standby", mark.standby());
        r.put("phase", new GenericData.EnumSymbol(markSchema.getField("phase").schema(), mark.phase().name()));
        r.put("member", mark.member());
        r.put("totals", contentRecord(markSchema.getField("totals").schema(), mark.totals()));
        r.put("nodesSent", mark.nodesSent());
        r.put("relationshipsSent", mark.relationshipsSent());
        return r;
    }

    private static GenericRecord contentRecord(Schema schema, StoreContent c) {
        GenericRecord content = new GenericData.Record(schema);
        content.put("nodes", c.nodes());
        content.put("relationships", c.relationships());
        content.put("indexes", c.indexes());
        content.put("constraints", c.constraints());
        return content;
    }

    private GenericRecord baselineRecord(CaptureBaseline baseline) {
        Schema baselineSchema = header.getField("baseline").schema().getTypes().get(1);
        GenericRecord r = new GenericData.Record(baselineSchema);
        r.put("member", baseline.member());
        r.put("content", contentRecord(baselineSchema.getField("content").schema(), baseline.content()));
        return r;
    }

    private GenericRecord epochStartRecord(EpochStart start) {
        GenericRecord r = new GenericData.Record(header.getField("epochStart").schema().getTypes().get(1));
        r.put("previousEpoch", start.previousEpoch());
        r.put("member", start.member());
        r.put("reason", start.reason());
        return r;
    }

    private GenericRecord gapRecord(CaptureGap gap) {
        Schema gapSchema = header.getField("gap").schema().getTypes().get(1);
        GenericRecord r = new GenericData.Record(gapSchema);
        r.put("firstCommitId", gap.firstCommitId());
        r.put("lastCommitId", gap.lastCommitId());
        r.put("reason", gap.reason());
        return r;
    }

    /** Splits the event schema into header fields, then exactly the 8 lists, then chunkIndex, chunkCount. */
    private static Schema headerOf(Schema event, List<Section> listOrder) {
        List<Schema.Field> fields = event.getFields();
        int firstList = fields.indexOf(event.getField(listOrder.get(0).field));
        List<String> tail = fields.subList(firstList, fields.size()).stream().map(Schema.Field::name).toList();
        List<String> expected = new ArrayList<>(listOrder.stream().map(s -> s.field).toList());
        expected.addAll(List.of("chunkIndex", "chunkCount"));
        if (event.getField("fragment") != null) {
            expected.add("fragment");
        }
        if (!tail.equals(expected)) {
            throw new IllegalStateException("event schema must end with the change lists and the chunk position, has "
                    + tail);
        }
        List<Schema.Field> headerFields = new ArrayList<>();
        for (Schema.Field f : fields.subList(0, firstList)) {
            headerFields.add(new Schema.Field(f, f.schema()));
        }
        return Schema.createRecord(event.getName() + "Header", "header fields", event.getNamespace(), false,
                headerFields);
    }

    private static List<Section> listOrder(Schema event) {
        List<Section> order = new ArrayList<>();
        for (Schema.Field f : event.getFields()) {
            for (Section s : Section.values()) {
                if (s.field.equals(f.name())) {
                    order.add(s);
                }
            }
        }
        return List.copyOf(order);
    }

    Schema itemSchema(Section section) {
        return itemSchemas.get(section);
    }

    /** The Avro records of each change list of one event, in list order. */
    record Changes(Map<Section, List<GenericRecord>> bySection) {
        List<GenericRecord> get(Section section) {
            return bySection.get(section);
        }
    }

    Changes changes(TransactionEvent e) {
        Map<Section, List<GenericRecord>> out = new EnumMap<>(Section.class);
        out.put(Section.CREATED_NODES, mapList(e.createdNodes(), n -> node(Section.CREATED_NODES, n.key(), n.labels(), n.properties())));
        out.put(Section.DELETED_NODES, mapList(e.deletedNodes(), n -> node(Section.DELETED_NODES, n.key(), n.labels(), n.properties())));
        out.put(Section.LABEL_CHANGES, mapList(e.labelChanges(), this::labelChange));
        out.put(Section.NODE_PROPERTY_CHANGES, mapList(e.nodePropertyChanges(), this::nodePropertyChange));
        out.put(Section.CREATED_RELATIONSHIPS, mapList(e.createdRelationships(), r -> relationship(Section.CREATED_RELATIONSHIPS, r.ref(), r.properties())));
        out.put(Section.DELETED_RELATIONSHIPS, mapList(e.deletedRelationships(), r -> relationship(Section.DELETED_RELATIONSHIPS, r.ref(), r.properties())));
        out.put(Section.RELATIONSHIP_PROPERTY_CHANGES, mapList(e.relationshipPropertyChanges(), this::relationshipPropertyChange));
        out.put(Section.SCHEMA_CHANGES, mapList(e.schemaChanges(), this::schemaChange));
        out.put(Section.BOOTSTRAP_NODES, mapList(e.bootstrapNodes(), n -> node(Section.BOOTSTRAP_NODES, n.key(), n.labels(), n.properties())));
        out.put(Section.BOOTSTRAP_RELATIONSHIPS, mapList(e.bootstrapRelationships(), r -> relationship(Section.BOOTSTRAP_RELATIONSHIPS, r.ref(), r.properties())));
        return new Changes(out);
    }

    private GenericRecord node(Section section, String key, List<String> labels, Map<String, Value> properties) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(section));
        r.put(0, key);
        r.put(1, labels);
        r.put(2, properties(properties));
        return r;
    }

    private GenericRecord labelChange(LabelChange c) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(Section.LABEL_CHANGES));
        r.put(0, c.nodeKey());
        r.put(1, c.label());
        r.put(2, c.added());
        return r;
    }

    private GenericRecord nodePropertyChange(NodePropertyChange c) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(Section.NODE_PROPERTY_CHANGES));
        r.put(0, c.nodeKey());
        r.put(1, propertyChange(c.change()));
        return r;
    }

    private GenericRecord relationship(Section section, RelationshipRef ref, Map<String, Value> properties) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(section));
        r.put(0, ref(ref));
        r.put(1, properties(properties));
        return r;
    }

    private GenericRecord relationshipPropertyChange(RelationshipPropertyChange c) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(Section.RELATIONSHIP_PROPERTY_CHANGES));
        r.put(0, ref(c.ref()));
        r.put(1, propertyChange(c.change()));
        return r;
    }

    private GenericRecord schemaChange(SchemaChange c) {
        GenericRecord r = new GenericData.Record(itemSchemas.get(Section.SCHEMA_CHANGES));
        r.put(0, new GenericData.EnumSymbol(operation, c.operation().name()));
        r.put(1, new GenericData.EnumSymbol(kind, c.kind().name()));
        r.put(2, c.name());
        r.put(3, c.statement());
        return r;
    }

    private GenericRecord ref(RelationshipRef ref) {
        GenericRecord r = new GenericData.Record(relationshipRef);
        r.put(0, ref.key());
        r.put(1, ref.type());
        r.put(2, ref.startKey());
        r.put(3, ref.endKey());
        return r;
    }

    private GenericRecord propertyChange(PropertyChange c) {
        if (c == null) {
            throw new IllegalArgumentException("a property change record has no change");
        }
        GenericRecord r = new GenericData.Record(propertyChange);
        r.put(0, c.key());
        r.put(1, c.value() == null ? null : values.toRecord(c.value()));
        r.put(2, c.previous() == null ? null : values.toRecord(c.previous()));
        return r;
    }

    private Map<String, GenericRecord> properties(Map<String, Value> properties) {
        // The model's maps are sorted; a LinkedHashMap keeps that order on the wire, so equal events give
        // equal bytes.
        Map<String, GenericRecord> out = new LinkedHashMap<>(properties.size() * 2);
        properties.forEach((k, v) -> out.put(k, values.toRecord(v)));
        return out;
    }

    // ---- decoding ---------------------------------------------------------------------------------

    TransactionEvent toEvent(GenericRecord r) {
        return new TransactionEvent(
                (Long) r.get("commitId"), (Long) r.get("previousCommitId"), (Long) r.get("commitTimeMillis"),
                str(r.get("originClusterId")), (Long) r.get("epoch"), str(r.get("database")),
                str(r.get("username")), stringMap((Map<?, ?>) r.get("metadata")),
                list(r, Section.CREATED_NODES, i -> new NodeCreated(str(i.get(0)), strings(i.get(1)), props(i.get(2)))),
                list(r, Section.DELETED_NODES, i -> new NodeDeleted(str(i.get(0)), strings(i.get(1)), props(i.get(2)))),
                list(r, Section.LABEL_CHANGES, i -> new LabelChange(str(i.get(0)), str(i.get(1)), (Boolean) i.get(2))),
                list(r, Section.NODE_PROPERTY_CHANGES, i -> new NodePropertyChange(str(i.get(0)), change(i.get(1)))),
                list(r, Section.CREATED_RELATIONSHIPS, i -> new RelationshipCreated(ref(i.get(0)), props(i.get(1)))),
                list(r, Section.DELETED_RELATIONSHIPS, i -> new RelationshipDeleted(ref(i.get(0)), props(i.get(1)))),
                list(r, Section.RELATIONSHIP_PROPERTY_CHANGES,
                        i -> new RelationshipPropertyChange(ref(i.get(0)), change(i.get(1)))),
                list(r, Section.SCHEMA_CHANGES, i -> new SchemaChange(
                        SchemaChange.Operation.valueOf(str(i.get(0))), SchemaChange.Kind.valueOf(str(i.get(1))),
                        str(i.get(2)), str(i.get(3)))),
                (Integer) r.get("chunkIndex"), (Integer) r.get("chunkCount"), gap((GenericRecord) r.get("gap")),
                fragment(r.get("fragment")), epochStart((GenericRecord) r.get("epochStart")),
                baseline((GenericRecord) r.get("baseline")), bootstrap((GenericRecord) r.get("bootstrap")),
                list(r, Section.BOOTSTRAP_NODES, i -> new NodeCreated(str(i.get(0)), strings(i.get(1)), props(i.get(2)))),
                list(r, Section.BOOTSTRAP_RELATIONSHIPS, i -> new RelationshipCreated(ref(i.get(0)), props(i.get(1)))),
                repair((GenericRecord) r.get("repair")));
    }

    private static RepairMark repair(GenericRecord g) {
        return g == null ? null : new RepairMark((Long) g.get("firstCommitId"), (Long) g.get("lastCommitId"),
                (Long) g.get("transactions"), str(g.get("reason")));
    }

    private static BootstrapMark bootstrap(GenericRecord g) {
        if (g == null) {
            return null;
        }
        return new BootstrapMark(str(g.get("run")), str(g.get("standby")), BootstrapPhase.valueOf(str(g.get("phase"))),
                str(g.get("member")), content((GenericRecord) g.get("totals")), (Long) g.get("nodesSent"),
                (Long) g.get("relationshipsSent"));
    }

    private static StoreContent content(GenericRecord c) {
        return new StoreContent((Long) c.get("nodes"), (Long) c.get("relationships"), (Long) c.get("indexes"),
                (Long) c.get("constraints"));
    }

    private static CaptureBaseline baseline(GenericRecord g) {
        if (g == null) {
            return null;
        }
        return new CaptureBaseline(str(g.get("member")), content((GenericRecord) g.get("content")));
    }

    private static EpochStart epochStart(GenericRecord g) {
        return g == null ? null : new EpochStart((Long) g.get("previousEpoch"), str(g.get("member")),
                str(g.get("reason")));
    }

    private static Fragment fragment(Object bytes) {
        if (bytes == null) {
            return null;
        }
        java.nio.ByteBuffer b = ((java.nio.ByteBuffer) bytes).duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return new Fragment(out);
    }

    private static CaptureGap gap(GenericRecord g) {
        return g == null ? null : new CaptureGap((Long) g.get("firstCommitId"), (Long) g.get("lastCommitId"),
                str(g.get("reason")));
    }

    private static <T> List<T> list(GenericRecord r, Section section, Function<GenericRecord, T> convert) {
        List<?> items = (List<?>) r.get(section.field);
        List<T> out = new ArrayList<>(items.size());
        for (Object item : items) {
            out.add(convert.apply((GenericRecord) item));
        }
        return out;
    }

    private PropertyChange change(Object o) {
        GenericRecord r = (GenericRecord) o;
        return new PropertyChange(str(r.get(0)), value(r.get(1)), value(r.get(2)));
    }

    private Value value(Object o) {
        return o == null ? null : values.fromRecord((GenericRecord) o);
    }

    private static RelationshipRef ref(Object o) {
        GenericRecord r = (GenericRecord) o;
        return new RelationshipRef(str(r.get(0)), str(r.get(1)), str(r.get(2)), str(r.get(3)));
    }

    private Map<String, Value> props(Object o) {
        Map<String, Value> out = new HashMap<>();
        ((Map<?, ?>) o).forEach((k, v) -> out.put(k.toString(), values.fromRecord((GenericRecord) v)));
        return out;
    }

    private static List<String> strings(Object o) {
        List<?> items = (List<?>) o;
        List<String> out = new ArrayList<>(items.size());
        items.forEach(i -> out.add(i.toString()));
        return out;
    }

    private static Map<String, String> stringMap(Map<?, ?> in) {
        Map<String, String> out = new HashMap<>();
        in.forEach((k, v) -> out.put(k.toString(), v.toString()));
        return out;
    }

    private static String str(Object o) {
        return o.toString();
    }

    private static <T> List<GenericRecord> mapList(List<T> items, Function<T, GenericRecord> convert) {
        List<GenericRecord> out = new ArrayList<>(items.size());
        for (T item : items) {
            out.add(convert.apply(item));
        }
        return out;
    }
}
