package io.ha4neo.launcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesNestedMapsListsAndScalarsInInsertionOrder() {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("b", 2L);
        inner.put("a", null);
        Map<String, Object> outer = new LinkedHashMap<>();
        outer.put("running", true);
        outer.put("inner", inner);
        outer.put("list", Arrays.asList(1, "x", null));
        outer.put("seconds", 1.5);
        assertThat(Json.write(outer))
                .isEqualTo("{\"running\":true,\"inner\":{\"b\":2,\"a\":null},\"list\":[1,\"x\",null],\"seconds\":1.5}");
    }

    @Test
    void escapesQuotesBackslashesAndControlCharacters() {
        assertThat(Json.write("a\"b\\c\nd\u0001e\u2028"))
                .isEqualTo("\"a\\\"b\\\\c\\nd\\u0001e\\u2028\"");
    }

    @Test
    void writesNonFiniteNumbersAsNull() {
        assertThat(Json.write(List.of(Double.NaN, Double.POSITIVE_INFINITY))).isEqualTo("[null,null]");
    }
}
