package io.ha4neo.schemas.value;

/**
 * Every Neo4j property type that replication carries, scalar and array.
 *
 * <p>The Java representation of {@link Value#raw()} for each type is fixed, so that mapping (capture),
 * encoding (codec) and planning (applier) agree without guessing:
 *
 * <table>
 *   <tr><th>type</th><th>raw Java type</th></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td></tr>
 *   <tr><td>LONG</td><td>{@link Long} (full int64)</td></tr>
 *   <tr><td>DOUBLE</td><td>{@link Double} (NaN, ±Infinity and -0.0 are kept bit-exact by equality)</td></tr>
 *   <tr><td>STRING</td><td>{@link String} (any Unicode, NUL included)</td></tr>
 *   <tr><td>BYTES</td><td>{@code byte[]}</td></tr>
 *   <tr><td>DATE</td><td>{@link java.time.LocalDate}</td></tr>
 *   <tr><td>TIME</td><td>{@link java.time.OffsetTime}</td></tr>
 *   <tr><td>LOCAL_TIME</td><td>{@link java.time.LocalTime}</td></tr>
 *   <tr><td>DATE_TIME</td><td>{@link java.time.ZonedDateTime}; its zone is either a
 *       {@link java.time.ZoneOffset} (Cypher {@code datetime('...+02:00')}) or a region id
 *       ({@code [Europe/Berlin]}), and the two are different values</td></tr>
 *   <tr><td>LOCAL_DATE_TIME</td><td>{@link java.time.LocalDateTime}</td></tr>
 *   <tr><td>DURATION</td><td>{@link IsoDuration}</td></tr>
 *   <tr><td>POINT</td><td>{@link Point}</td></tr>
 *   <tr><td>*_ARRAY</td><td>a Java array of the element's raw type: {@code boolean[]}, {@code long[]},
 *       {@code double[]}, {@code String[]}, {@code LocalDate[]}, {@code OffsetTime[]}, {@code LocalTime[]},
 *       {@code ZonedDateTime[]}, {@code LocalDateTime[]}, {@code IsoDuration[]}, {@code Point[]}.
 *       A {@code byte[]} property is {@link #BYTES}, never an array of numbers.</td></tr>
 * </table>
 *
 * <p>Neo4j's embedded Java API also stores byte, short, int, float and char scalars and arrays. Cypher and
 * Bolt cannot express those, so capture widens them (int → LONG, float → DOUBLE, char → STRING) exactly as
 * Cypher reads them back. See docs/event-model.md.
 */
public enum ValueType {
    BOOLEAN(false), LONG(false), DOUBLE(false), STRING(false), BYTES(false),
    DATE(false), TIME(false), LOCAL_TIME(false), DATE_TIME(false), LOCAL_DATE_TIME(false),
    DURATION(false), POINT(false),
    BOOLEAN_ARRAY(true), LONG_ARRAY(true), DOUBLE_ARRAY(true), STRING_ARRAY(true),
    DATE_ARRAY(true), TIME_ARRAY(true), LOCAL_TIME_ARRAY(true), DATE_TIME_ARRAY(true),
    LOCAL_DATE_TIME_ARRAY(true), DURATION_ARRAY(true), POINT_ARRAY(true);

    private final boolean array;

    ValueType(boolean array) {
        this.array = array;
    }

    /** True for the homogeneous array types. */
    public boolean isArray() {
        return array;
    }
}
