package io.ha4neo.capture.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.value.IsoDuration;
import io.ha4neo.schemas.value.Point;
import io.ha4neo.schemas.value.Value;
import io.ha4neo.schemas.value.ValueType;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.neo4j.values.storable.CoordinateReferenceSystem;
import org.neo4j.values.storable.DurationValue;
import org.neo4j.values.storable.PointValue;
import org.neo4j.values.storable.Values;

class EmbeddedToEventValueMapperTest {
    private static final ZonedDateTime IN_PARIS = ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 123_456_789,
            ZoneId.of("Europe/Paris"));
    private static final ZonedDateTime AT_OFFSET = ZonedDateTime.of(1969, 7, 20, 20, 17, 40, 0, ZoneOffset.ofHours(-5));

    /** Every Java object Neo4j's embedded API returns for a property, and the exact Value it must become. */
    static Stream<Arguments> neo4jValues() {
        return Stream.of(
                Arguments.of(true, ValueType.BOOLEAN, true),
                Arguments.of(Long.MIN_VALUE, ValueType.LONG, Long.MIN_VALUE),
                Arguments.of(Integer.MIN_VALUE, ValueType.LONG, (long) Integer.MIN_VALUE),
                Arguments.of((short) -300, ValueType.LONG, -300L),
                Arguments.of((byte) -7, ValueType.LONG, -7L),
                Arguments.of(-0.0d, ValueType.DOUBLE, -0.0d),
                Arguments.of(1.1f, ValueType.DOUBLE, (double) 1.1f),
                Arguments.of(Float.NaN, ValueType.DOUBLE, Double.NaN),
                Arguments.of('é', ValueType.STRING, "é"),
                Arguments.of("text", ValueType.STRING, "text"),
                Arguments.of(new byte[] {1, -2, 3}, ValueType.BYTES, new byte[] {1, -2, 3}),
                Arguments.of(new boolean[] {true, false}, ValueType.BOOLEAN_ARRAY, new boolean[] {true, false}),
                Arguments.of(new long[] {1, Long.MAX_VALUE}, ValueType.LONG_ARRAY, new long[] {1, Long.MAX_VALUE}),
                Arguments.of(new int[] {-1, Integer.MAX_VALUE}, ValueType.LONG_ARRAY, new long[] {-1, Integer.MAX_VALUE}),
                Arguments.of(new short[] {-2, 300}, ValueType.LONG_ARRAY, new long[] {-2, 300}),
                Arguments.of(new double[] {0.5, -0.0}, ValueType.DOUBLE_ARRAY, new double[] {0.5, -0.0}),
                Arguments.of(new float[] {0.1f, 2.5f}, ValueType.DOUBLE_ARRAY, new double[] {0.1f, 2.5}),
                Arguments.of(new char[] {'a', 'ß'}, ValueType.STRING_ARRAY, new String[] {"a", "ß"}),
                Arguments.of(new String[] {"x", ""}, ValueType.STRING_ARRAY, new String[] {"x", ""}),
                Arguments.of(LocalDate.of(-2000, 2, 29), ValueType.DATE, LocalDate.of(-2000, 2, 29)),
                Arguments.of(OffsetTime.of(23, 59, 1, 5, ZoneOffset.ofHoursMinutes(5, 30)), ValueType.TIME,
                        OffsetTime.of(23, 59, 1, 5, ZoneOffset.ofHoursMinutes(5, 30))),
                Arguments.of(LocalTime.of(0, 0, 0, 1), ValueType.LOCAL_TIME, LocalTime.of(0, 0, 0, 1)),
                Arguments.of(IN_PARIS, ValueType.DATE_TIME, IN_PARIS),
                Arguments.of(AT_OFFSET, ValueType.DATE_TIME, AT_OFFSET),
                Arguments.of(LocalDateTime.of(2000, 1, 1, 0, 0), ValueType.LOCAL_DATE_TIME, LocalDateTime.of(2000, 1, 1, 0, 0)),
                Arguments.of(new LocalDate[] {LocalDate.EPOCH}, ValueType.DATE_ARRAY, new LocalDate[] {LocalDate.EPOCH}),
                Arguments.of(new ZonedDateTime[] {IN_PARIS, AT_OFFSET}, ValueType.DATE_TIME_ARRAY,
                        new ZonedDateTime[] {IN_PARIS, AT_OFFSET}),
                Arguments.of(new LocalTime[] {LocalTime.NOON}, ValueType.LOCAL_TIME_ARRAY, new LocalTime[] {LocalTime.NOON}),
                Arguments.of(new OffsetTime[] {OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC)}, ValueType.TIME_ARRAY,
                        new OffsetTime[] {OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC)}),
                Arguments.of(new LocalDateTime[] {LocalDateTime.of(1, 1, 1, 1, 1)}, ValueType.LOCAL_DATE_TIME_ARRAY,
                        new LocalDateTime[] {LocalDateTime.of(1, 1, 1, 1, 1)}),
                // Neo4j keeps months, days, seconds apart: 14 months is not a year and 2 months, 40 days are not
                // a month and 10 days, 90000 s are not a day and 3600 s.
                Arguments.of(DurationValue.duration(14, 40, 90_000, 5), ValueType.DURATION, new IsoDuration(14, 40, 90_000, 5)),
                Arguments.of(DurationValue.duration(-1, -2, -3, -4), ValueType.DURATION,
                        new IsoDuration(-1, -2, -4, 999_999_996)),
                Arguments.of(Period.of(1, 2, 3), ValueType.DURATION, new IsoDuration(14, 3, 0, 0)),
                Arguments.of(java.time.Duration.ofSeconds(-1, 1), ValueType.DURATION, new IsoDuration(0, 0, -1, 1)),
                Arguments.of(new DurationValue[] {DurationValue.duration(0, 1, 0, 0), DurationValue.duration(2, 0, 7, 8)},
                        ValueType.DURATION_ARRAY, new IsoDuration[] {new IsoDuration(0, 1, 0, 0), new IsoDuration(2, 0, 7, 8)}),
                Arguments.of(Values.pointValue(CoordinateReferenceSystem.WGS_84_3D, 12.5, 56.25, 100.0), ValueType.POINT,
                        new Point(4979, new double[] {12.5, 56.25, 100.0})),
                Arguments.of(Values.pointValue(CoordinateReferenceSystem.WGS_84, -0.5, 51.0), ValueType.POINT,
                        new Point(4326, new double[] {-0.5, 51.0})),
                Arguments.of(Values.pointValue(CoordinateReferenceSystem.CARTESIAN, 1, -2), ValueType.POINT,
                        new Point(7203, new double[] {1, -2})),
                Arguments.of(Values.pointValue(CoordinateReferenceSystem.CARTESIAN_3D, 1, 2, 3), ValueType.POINT,
                        new Point(9157, new double[] {1, 2, 3})),
                Arguments.of(new PointValue[] {Values.pointValue(CoordinateReferenceSystem.CARTESIAN, 0, 1),
                        Values.pointValue(CoordinateReferenceSystem.CARTESIAN, 2, 3)}, ValueType.POINT_ARRAY,
                        new Point[] {new Point(7203, new double[] {0, 1}), new Point(7203, new double[] {2, 3})}));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @MethodSource("neo4jValues")
    void mapsEveryNeo4jPropertyTypeToTheExactValue(Object neo4j, ValueType type, Object raw) {
        Value mapped = EmbeddedToEventValueMapper.toValue(neo4j);
        assertThat(mapped.type()).isEqualTo(type);
        assertThat(mapped).isEqualTo(new Value(type, raw));
    }

    @Test
    void narrowArraysBecomeNewWideArraysOfTheSameLength() {
        int[] ints = new int[1000];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = i * 7919 - 3_000_000;
        }
        long[] longs = (long[]) EmbeddedToEventValueMapper.toValue(ints).raw();
        assertThat(longs).hasSize(ints.length);
        for (int i = 0; i < ints.length; i++) {
            assertThat(longs[i]).isEqualTo(ints[i]);
        }
    }

    @Test
    void anUnsupportedTypeIsRefusedNamingItsClass() {
        List<Object> unsupported = new ArrayList<>(List.of(OffsetDateTime.now(), new Object(), List.of(1L)));
        unsupported.add(new Long[] {1L});
        for (Object o : unsupported) {
            assertThatThrownBy(() -> EmbeddedToEventValueMapper.toValue(o))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(o.getClass().getName());
        }
    }

    @Test
    void aValueTheLogCannotCarryFailsNamingTheEntityAndProperty() {
        org.neo4j.graphdb.Node node = (org.neo4j.graphdb.Node) java.lang.reflect.Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {org.neo4j.graphdb.Node.class},
                (proxy, method, args) -> method.getName().equals("getElementId") ? "4:db:42" : null);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> EmbeddedToEventValueMapper.toValue(new StringBuilder("x"), node, "payload"))
                .isInstanceOf(UnreplicableValueException.class)
                .hasMessageContaining("node 4:db:42 property 'payload'")
                .hasMessageContaining("rolled back");
    }
}
