package io.ha4neo.topology.verify;

import static io.ha4neo.topology.verify.InMemoryGraph.node;
import static io.ha4neo.topology.verify.InMemoryGraph.relationship;
import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.topology.ReservedNames;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Value;
import org.neo4j.driver.Values;

/** The canonical form: exact types, reserved names left out, and digests that change exactly when the entity does. */
class CanonicalEntityTest {
    @Test
    void valuesOfDifferentTypesOrDifferentExactValuesHaveDifferentDigests() {
        List<Object> values = List.of(41L, 41.0, "41", true, -0.0, 0.0, Double.NaN, new byte[] {41},
                new long[] {4, 1}, new double[] {4, 1}, new String[] {"4", "1"}, List.of(), LocalDate.of(2024, 3, 31),
                LocalTime.of(2, 30), LocalTime.of(2, 30, 0, 1), OffsetTime.of(2, 30, 0, 0, ZoneOffset.ofHours(2)),
                LocalDateTime.of(2024, 3, 31, 2, 30),
                ZonedDateTime.of(2024, 3, 31, 3, 30, 0, 0, ZoneId.of("Europe/Berlin")),
                ZonedDateTime.of(2024, 3, 31, 3, 30, 0, 0, ZoneOffset.ofHours(2)),
                Values.isoDuration(1, 0, 0, 0).asIsoDuration(), Values.isoDuration(0, 30, 0, 0).asIsoDuration(),
                Values.point(4326, 1, 2).asPoint(), Values.point(7203, 1, 2).asPoint(),
                Values.point(4979, 1, 2, 3).asPoint());
        Map<Long, String> byDigest = new LinkedHashMap<>();
        for (Object v : values) {
            CanonicalEntity e = node("k", List.of("A"), Map.of("v", v));
            String previous = byDigest.put(e.digest(), e.text());
            assertThat(previous).as("%s and %s share a digest", previous, e.text()).isNull();
        }
        assertThat(byDigest).hasSize(values.size());
    }

    @Test
    void rendersEveryValueWithItsTypeAsTheIntegrationTestsTypedComparisonDoes() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("i", 41L);
        props.put("f", -0.0);
        props.put("s", "a\"b\\c\nd");
        props.put("b", new byte[] {0x0f, (byte) 0xa0});
        props.put("l", new long[] {1, 2});
        props.put("p", Values.point(7203, 1.5, 2).asPoint());
        props.put("d", Values.isoDuration(14, 3, 7, 5).asIsoDuration());
        props.put("z", ZonedDateTime.of(2024, 3, 31, 3, 30, 0, 0, ZoneId.of("Europe/Berlin")));
        props.put("t", LocalTime.of(2, 30));

        CanonicalEntity e = node("4:db:1", List.of("B", "A"), props);

        assertThat(e.text()).isEqualTo(":A:B {b: BYTES 0x0fa0, d: DURATION months 14 days 3 seconds 7 nanos 5, "
                + "f: FLOAT -0.0, i: INTEGER 41, l: LIST [INTEGER 1, INTEGER 2], p: POINT srid 7203 (1.5, 2.0), "
                + "s: STRING \"a\\u0022b\\u005cc\\u000ad\", t: LOCAL_TIME 02:30, "
                + "z: DATE_TIME 2024-03-31T03:30+02:00[Europe/Berlin]}");
        assertThat(relationship("5:db:1", "KNOWS", "4:db:1", "4:db:2", Map.of("since", 2020L)).text())
                .isEqualTo("(4:db:1)-[:KNOWS {since: INTEGER 2020}]->(4:db:2)");
    }

    @Test
    void reservedLabelsAndPropertiesAreLeftOutSoAReplicaEqualsItsOrigin() {
        CanonicalEntity origin = node("4:db:1", List.of("Person"), Map.of("name", "Ann"));
        CanonicalEntity replica = node("4:db:1", List.of(ReservedNames.NODE_LABEL, "Person"),
                Map.of("name", "Ann", ReservedNames.ID_PROPERTY, "4:db:1"));

        assertThat(replica.digest()).isEqualTo(origin.digest());
        assertThat(replica.text()).isEqualTo(":Person {name: STRING \"Ann\"}");
    }

    @Test
    void bookkeepingNodesTheirRelationshipsReservedTypesAndReservedSchemaAreNoEntities() {
        Map<String, Value> none = Map.of();
        assertThat(CanonicalEntity.node("4:db:9", List.of(ReservedNames.WATERMARK_LABEL), none)).isEmpty();
        assertThat(CanonicalEntity.node("4:db:9", List.of(ReservedNames.SKIP_LABEL), none)).isEmpty();
        assertThat(CanonicalEntity.relationship("5:db:1", "T", none, "a", "b",
                List.of("X", ReservedNames.WATERMARK_LABEL))).isEmpty();
        assertThat(CanonicalEntity.relationship("5:db:1", ReservedNames.PREFIX + "T", none, "a", "b", List.of()))
                .isEmpty();
        assertThat(CanonicalEntity.schema(EntityKind.CONSTRAINT, ReservedNames.NODE_ID_CONSTRAINT, "CREATE ..."))
                .isEmpty();
        assertThat(CanonicalEntity.node("4:db:9", List.of(ReservedNames.NODE_LABEL), none)).isPresent();
    }

    @Test
    void theDigestCoversKeyLabelsTypeEndpointsAndEveryPropertyButNotTheirOrder() {
        CanonicalEntity n = node("k", List.of("A", "B"), Map.of("x", 1L, "y", 2L));
        assertThat(node("k", List.of("B", "A"), Map.of("y", 2L, "x", 1L)).digest()).isEqualTo(n.digest());
        assertThat(node("k2", List.of("A", "B"), Map.of("x", 1L, "y", 2L)).digest()).isNotEqualTo(n.digest());
        assertThat(node("k", List.of("A"), Map.of("x", 1L, "y", 2L)).digest()).isNotEqualTo(n.digest());
        assertThat(node("k", List.of("A:B"), Map.of("x", 1L, "y", 2L)).digest()).isNotEqualTo(n.digest());
        assertThat(node("k", List.of("A", "B"), Map.of("x", 1L)).digest()).isNotEqualTo(n.digest());
        assertThat(node("k", List.of("A", "B"), Map.of("x", 1L, "y", 3L)).digest()).isNotEqualTo(n.digest());

        CanonicalEntity r = relationship("r", "T", "a", "b", Map.of());
        assertThat(relationship("r", "U", "a", "b", Map.of()).digest()).isNotEqualTo(r.digest());
        assertThat(relationship("r", "T", "b", "a", Map.of()).digest()).isNotEqualTo(r.digest());
        assertThat(relationship("r", "T", "a", "c", Map.of()).digest()).isNotEqualTo(r.digest());
        assertThat(relationship("r", "T", "a", "b", Map.of()).digest()).isEqualTo(r.digest());
    }

    @Test
    void theKeyHashDependsOnKindAndKeyOnlySoAnEntityLandsInTheSameBucketOnEveryMember() {
        CanonicalEntity a = node("k", List.of("A"), Map.of("x", 1L));
        CanonicalEntity b = node("k", List.of("B"), Map.of("x", 2.0));

        assertThat(a.keyHash()).isEqualTo(b.keyHash()).isEqualTo(CanonicalEntity.keyHash(EntityKind.NODE, "k"));
        assertThat(CanonicalEntity.keyHash(EntityKind.RELATIONSHIP, "k")).isNotEqualTo(a.keyHash());
    }
}
