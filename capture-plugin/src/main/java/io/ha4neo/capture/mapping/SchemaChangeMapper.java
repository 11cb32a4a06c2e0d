package io.ha4neo.capture.mapping;

import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.SchemaChange.Kind;
import io.ha4neo.schemas.event.SchemaChange.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.neo4j.common.EntityType;
import org.neo4j.common.TokenNameLookup;
import org.neo4j.internal.schema.ConstraintDescriptor;
import org.neo4j.internal.schema.IndexDescriptor;
import org.neo4j.internal.schema.IndexType;
import org.neo4j.internal.schema.SchemaDescriptor;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.api.txstate.TxStateHolder;
import org.neo4j.storageengine.api.txstate.ReadableTransactionState;
import org.neo4j.values.storable.Value;

/**
 * Reads index and constraint changes from a kernel transaction's state (internal API, identical in Neo4j
 * 5.26 and 2025.x) and renders each as a replayable Cypher statement with the same name and options.
 *
 * <p>Indexes owned by a uniqueness constraint are never reported on their own: replaying the constraint
 * recreates them, and dropping the constraint drops them.
 */
public final class SchemaChangeMapper {
    private SchemaChangeMapper() {
    }

    /** Schema changes of the transaction, drops first (a name can be dropped and reused in one transaction). */
    public static List<SchemaChange> map(KernelTransaction ktx) {
        if (!(ktx instanceof TxStateHolder holder) || !holder.hasTxStateWithChanges()) {
            return List.of();
        }
        ReadableTransactionState state = holder.txState();
        TokenNameLookup tokens = ktx.tokenRead();
        List<SchemaChange> out = new ArrayList<>();
        state.constraintsChanges().getRemoved().stream().sorted(Comparator.comparing(ConstraintDescriptor::getName))
                .forEach(c -> out.add(drop(Kind.CONSTRAINT, c.getName())));
        state.indexChanges().getRemoved().stream().filter(i -> !isConstraintOwned(i))
                .sorted(Comparator.comparing(IndexDescriptor::getName))
                .forEach(i -> out.add(drop(Kind.INDEX, i.getName())));
        state.indexChanges().getAdded().stream().filter(i -> !isConstraintOwned(i))
                .sorted(Comparator.comparing(IndexDescriptor::getName))
                .forEach(i -> out.add(new SchemaChange(Operation.CREATE, Kind.INDEX, i.getName(), createIndex(i, tokens))));
        state.constraintsChanges().getAdded().stream().sorted(Comparator.comparing(ConstraintDescriptor::getName))
                .forEach(c -> out.add(new SchemaChange(Operation.CREATE, Kind.CONSTRAINT, c.getName(),
                        createConstraint(c, tokens))));
        return out;
    }

    /**
     * The store's user indexes and constraints now, as CREATE entries in the form {@link #map} gives a created one (for
     * a bootstrap run's begin): indexes first, then constraints, each by name. Left out, by the rules of
     * {@code StoreContent}: token lookup indexes, indexes that back a constraint, and reserved names.
     */
    public static List<SchemaChange> existing(KernelTransaction ktx) {
        TokenNameLookup tokens = ktx.tokenRead();
        List<SchemaChange> out = new ArrayList<>();
        List<IndexDescriptor> indexes = new ArrayList<>();
        ktx.schemaRead().indexesGetAll().forEachRemaining(indexes::add);
        indexes.stream().filter(i -> i.getIndexType() != IndexType.LOOKUP && !isConstraintOwned(i)
                        && !io.ha4neo.schemas.topology.ReservedNames.isReserved(i.getName()))
                .sorted(Comparator.comparing(IndexDescriptor::getName))
                .forEach(i -> out.add(new SchemaChange(Operation.CREATE, Kind.INDEX, i.getName(), createIndex(i, tokens))));
        List<ConstraintDescriptor> constraints = new ArrayList<>();
        ktx.schemaRead().constraintsGetAll().forEachRemaining(constraints::add);
        constraints.stream().filter(c -> !io.ha4neo.schemas.topology.ReservedNames.isReserved(c.getName()))
                .sorted(Comparator.comparing(ConstraintDescriptor::getName))
                .forEach(c -> out.add(new SchemaChange(Operation.CREATE, Kind.CONSTRAINT, c.getName(),
                        createConstraint(c, tokens))));
        return out;
    }

    private static boolean isConstraintOwned(IndexDescriptor index) {
        return index.isUnique() || index.getOwningConstraintId().isPresent();
    }

    private static SchemaChange drop(Kind kind, String name) {
        return new SchemaChange(Operation.DROP, kind, name, "DROP " + kind.name() + " " + quote(name) + " IF EXISTS");
    }

    /** CREATE [TYPE] INDEX name IF NOT EXISTS FOR pattern ON ... OPTIONS {...}. */
    static String createIndex(IndexDescriptor index, TokenNameLookup tokens) {
        SchemaDescriptor schema = index.schema();
        IndexType type = index.getIndexType();
        String var = schema.entityType() == EntityType.NODE ? "n" : "r";
        StringBuilder ddl = new StringBuilder("CREATE ");
        if (type != IndexType.RANGE) {
            ddl.append(type.name()).append(' ');
        }
        ddl.append("INDEX ").append(quote(index.getName())).append(" IF NOT EXISTS FOR ").append(pattern(schema, var, tokens));
        if (type == IndexType.LOOKUP) {
            ddl.append(schema.entityType() == EntityType.NODE ? " ON EACH labels(n)" : " ON EACH type(r)");
        } else if (type == IndexType.FULLTEXT) {
            ddl.append(" ON EACH [").append(properties(schema, var, tokens)).append(']');
        } else {
            ddl.append(" ON (").append(properties(schema, var, tokens)).append(')');
        }
        return ddl.append(options(index)).toString();
    }

    static String createConstraint(ConstraintDescriptor c, TokenNameLookup tokens) {
        SchemaDescriptor schema = c.schema();
        String var = schema.entityType() == EntityType.NODE ? "n" : "r";
        String props = properties(schema, var, tokens);
        String requirement;
        if (c.isKeyConstraint()) {
            requirement = "(" + props + ") IS " + (schema.entityType() == EntityType.NODE ? "NODE KEY" : "RELATIONSHIP KEY");
        } else if (c.isUniquenessConstraint()) {
            requirement = "(" + props + ") IS UNIQUE";
        } else if (c.isPropertyExistenceConstraint()) {
            requirement = props + " IS NOT NULL";
        } else {
            // Property-type and endpoint constraints are Enterprise-only; replay Neo4j's own description.
            return "CREATE CONSTRAINT " + quote(c.getName()) + " IF NOT EXISTS FOR " + pattern(schema, var, tokens)
                    + " REQUIRE " + c.userDescription(tokens);
        }
        return "CREATE CONSTRAINT " + quote(c.getName()) + " IF NOT EXISTS FOR " + pattern(schema, var, tokens)
                + " REQUIRE " + requirement;
    }

    private static String pattern(SchemaDescriptor schema, String var, TokenNameLookup tokens) {
        String[] names = tokens.entityTokensGetNames(schema.entityType(), schema.getEntityTokenIds());
        if (names.length == 0) {
            return schema.entityType() == EntityType.NODE ? "(n)" : "()-[r]-()";
        }
        String joined = Arrays.stream(names).map(SchemaChangeMapper::quote).collect(Collectors.joining("|"));
        return schema.entityType() == EntityType.NODE ? "(n:" + joined + ")" : "()-[r:" + joined + "]-()";
    }

    private static String properties(SchemaDescriptor schema, String var, TokenNameLookup tokens) {
        return Arrays.stream(schema.getPropertyIds()).mapToObj(id -> var + "." + quote(tokens.propertyKeyGetName(id)))
                .collect(Collectors.joining(", "));
    }

    private static String options(IndexDescriptor index) {
        Map<String, Value> config = index.getIndexConfig().asMap();
        StringBuilder o = new StringBuilder(" OPTIONS {indexProvider: '")
                .append(index.getIndexProvider().name()).append('\'');
        if (!config.isEmpty()) {
            o.append(", indexConfig: {").append(config.entrySet().stream()
                    .map(e -> quote(e.getKey()) + ": " + literal(e.getValue().asObject()))
                    .collect(Collectors.joining(", "))).append('}');
        }
        return o.append('}').toString();
    }

    private static String literal(Object v) {
        if (v instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
        }
        if (v instanceof double[] d) {
            return Arrays.stream(d).mapToObj(Double::toString).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof long[] l) {
            return Arrays.stream(l).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
        }
        if (v instanceof Object[] a) {
            return Arrays.stream(a).map(SchemaChangeMapper::literal).collect(Collectors.joining(", ", "[", "]"));
        }
        return String.valueOf(v);
    }

    /** Backtick-quotes a name; backticks inside are doubled, as Cypher requires. */
    static String quote(String name) {
        return "`" + name.replace("`", "``") + "`";
    }
}
