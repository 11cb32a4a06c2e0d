package io.ha4neo.topology.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the fields of one JSON/YAML object of the cluster file and records every problem as
 * {@code path: message} instead of stopping at the first, so one run names all of them. A field that is absent or
 * {@code null} counts as missing. Paths look like {@code kafka.bootstrapServers} and {@code members[1].bolt}.
 */
final class Fields {
    private final JsonNode object;
    private final String path;
    private final List<String> problems;

    private Fields(JsonNode object, String path, List<String> problems) {
        this.object = object;
        this.path = path;
        this.problems = problems;
    }

    /** The fields of {@code node} at {@code path} ("" for the top level); a non-object is reported once. */
    static Fields of(JsonNode node, String path, List<String> problems) {
        if (node == null || !node.isObject()) {
            problems.add((path.isEmpty() ? "the file" : path) + ": expected an object" + found(node));
            return new Fields(null, path, problems);
        }
        return new Fields(node, path, problems);
    }

    /** Reports every field not in {@code known}, with the closest known name. */
    void rejectUnknown(Collection<String> known) {
        if (object == null) {
            return;
        }
        object.fieldNames().forEachRemaining(name -> {
            if (!known.contains(name)) {
                problems.add(prefix() + "unknown field '" + name + "'" + Suggestions.didYouMean(name, known));
            }
        });
    }

    /** A required scalar as text; reports "missing" and returns null when absent. */
    String required(String field) {
        Optional<String> value = optional(field);
        if (value.isEmpty() && object != null && !isPresent(field)) {
            problems.add(pathOf(field) + ": missing");
        }
        return value.orElse(null);
    }

    /** An optional scalar as text; empty when absent, null or not a scalar (the latter reported). */
    Optional<String> optional(String field) {
        if (!isPresent(field)) {
            return Optional.empty();
        }
        JsonNode value = object.get(field);
        if (!value.isValueNode()) {
            problems.add(pathOf(field) + ": expected a single value" + found(value));
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    /** An optional integer within [min, max]; {@code defaultValue} when absent or invalid (the latter reported). */
    int integer(String field, int defaultValue, int min, int max) {
        Optional<String> text = optional(field);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            int value = Integer.parseInt(text.get().trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(pathOf(field) + ": '" + text.get() + "' is not an integer in [" + min + ", " + max + "]");
        return defaultValue;
    }

    /** A list of text values, given either as one comma-separated string or as an array of strings. */
    List<String> textList(String field) {
        if (!isPresent(field)) {
            problems.add(pathOf(field) + ": missing");
            return List.of();
        }
        JsonNode value = object.get(field);
        List<String> items = new ArrayList<>();
        if (value.isArray()) {
            value.forEach(item -> items.add(item.isValueNode() ? item.asText().trim() : ""));
        } else if (value.isValueNode()) {
            for (String item : value.asText().split(",")) {
                items.add(item.trim());
            }
        } else {
            problems.add(pathOf(field) + ": expected a string or a list of strings" + found(value));
        }
        items.removeIf(String::isEmpty);
        if (items.isEmpty() && (value.isArray() || value.isValueNode())) {
            problems.add(pathOf(field) + ": empty");
        }
        return items;
    }

    /** Like {@link #textList}, but empty (and no problem) when the field is absent. */
    List<String> optionalTextList(String field) {
        return isPresent(field) ? textList(field) : List.of();
    }

    /** The objects of an array field, each with its own path ({@code members[0]}); reports a missing array. */
    List<Fields> objects(String field) {
        if (!isPresent(field)) {
            problems.add(pathOf(field) + ": missing");
            return List.of();
        }
        JsonNode value = object.get(field);
        if (!value.isArray()) {
            problems.add(pathOf(field) + ": expected a list" + found(value));
            return List.of();
        }
        if (value.isEmpty()) {
            problems.add(pathOf(field) + ": the list is empty");
        }
        List<Fields> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            items.add(of(value.get(i), pathOf(field) + "[" + i + "]", problems));
        }
        return items;
    }

    /** A nested object field, or null when absent (reported when required). */
    Fields object(String field, boolean required) {
        if (!isPresent(field)) {
            if (required && object != null) {
                problems.add(pathOf(field) + ": missing");
            }
            return null;
        }
        return of(object.get(field), pathOf(field), problems);
    }

    /** A map of scalar values (Kafka properties); absent means empty. */
    Map<String, String> textMap(String field) {
        Map<String, String> map = new LinkedHashMap<>();
        Fields nested = object(field, false);
        if (nested == null || nested.object == null) {
            return map;
        }
        nested.object.fieldNames().forEachRemaining(key -> nested.optional(key).ifPresent(v -> map.put(key, v)));
        return map;
    }

    /** Records a problem about {@code field} of this object. */
    void problem(String field, String message) {
        problems.add(pathOf(field) + ": " + message);
    }

    /** This object's path, e.g. {@code members[1]}. */
    String path() {
        return path;
    }

    /** The path of one of this object's fields. */
    String pathOf(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private String prefix() {
        return path.isEmpty() ? "" : path + ": ";
    }

    /** True when the field is present and not null. */
    boolean has(String field) {
        return isPresent(field);
    }

    private boolean isPresent(String field) {
        return object != null && object.hasNonNull(field);
    }

    private static String found(JsonNode node) {
        if (node == null || node.isNull()) {
            return node == null ? "" : ", found null";
        }
        return ", found " + (node.isObject() ? "an object" : node.isArray() ? "a list" : "'" + node.asText() + "'");
    }
}
