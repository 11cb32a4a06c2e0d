package io.ha4neo.topology.cluster;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.ha4neo.schemas.topology.TopicNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and writes cluster files: a {@link ClusterDescription} as JSON, or as YAML when the file name ends in
 * {@code .yaml} or {@code .yml}.
 *
 * <pre>{@code
 * {
 *   "clusterId": "dc1",
 *   "database": "neo4j",                       // optional, default neo4j
 *   "topic": "ha4neo.dc1.neo4j",               // optional, default ha4neo.<clusterId>.<database>
 *   "kafka": {
 *     "bootstrapServers": "kafka1:9092,kafka2:9092",
 *     "replicationFactor": 3,                  // optional, default 3
 *     "properties": {"security.protocol": "SASL_SSL", "sasl.jaas.config": "${KAFKA_JAAS}"}
 *   },
 *   "members": [
 *     {"name": "a", "zone": "z1", "bolt": "bolt://neo4j-a:7687", "user": "neo4j",
 *      "password": "${NEO4J_A_PASSWORD}", "applierMetrics": "http://applier-a:9404/metrics"},
 *     {"name": "b", "zone": "z2", "bolt": "bolt://neo4j-b:7687", "password": "${NEO4J_B_PASSWORD}",
 *      "applierMetrics": ["http://applier-b1:9404/metrics", "http://applier-b2:9404/metrics"]}  // one stands by
 *   ],
 *   "zones": [                                 // optional: zones with a Kafka cluster of their own
 *     {"name": "z2", "kafka": {"bootstrapServers": "kafka-z2:9092"},
 *      "topic": "z1.ha4neo.dc1.neo4j",         // the MirrorMaker copy's name; default: the topic's own name
 *      "mirrorMakerMetrics": "http://mm2-z2:9404/metrics"}                   // optional
 *   ]
 * }
 * }</pre>
 *
 * Validation reports every problem at once with its field path and the file ({@link ClusterFileException});
 * unknown fields are errors with the closest known name, because a typo must not silently mean "default".
 * {@code ${NAME}} in a password or a Kafka property value is read from the environment at load time.
 */
public final class ClusterFile {
    static final List<String> TOP_FIELDS = List.of("clusterId", "database", "topic", "kafka", "members", "zones");
    static final List<String> ZONE_FIELDS = List.of("name", "kafka", "topic", "mirrorMakerMetrics");
    static final List<String> KAFKA_FIELDS = List.of("bootstrapServers", "replicationFactor", "properties");
    static final List<String> MEMBER_FIELDS = List.of("name", "zone", "bolt", "user", "password", "applierMetrics");

    private static final Set<String> BOLT_SCHEMES = Set.of("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s",
            "neo4j+ssc");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
    /** Neo4j 5's rule for database names (compared case-insensitively). */
    private static final Pattern DATABASE = Pattern.compile("[a-z][a-z0-9.-]{2,62}", Pattern.CASE_INSENSITIVE);
    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\s\\[\\]]+):(\\d{1,5})");
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private ClusterFile() {
    }

    /** Loads and validates {@code file}, resolving {@code ${NAME}} references from the process environment. */
    public static ClusterDescription load(Path file) {
        return load(file, System::getenv);
    }

    /** Loads and validates {@code file} with an explicit environment (tests). */
    public static ClusterDescription load(Path file, Function<String, String> env) {
        String source = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new ClusterFileException(source, List.of("no such file (write one as described in the README, "
                    + "section 'Operations with the CLI')"));
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ClusterFileException(source, List.of("cannot read it: " + e.getMessage()));
        }
        return parse(text, isYaml(file), source, env);
    }

    /** Parses and validates cluster-file text; {@code source} names it in error messages. */
    public static ClusterDescription parse(String text, boolean yaml, String source, Function<String, String> env) {
        JsonNode root;
        try {
            root = (yaml ? YAML : JSON).readTree(text);
        } catch (JsonProcessingException e) {
            throw new ClusterFileException(source, List.of("not valid " + (yaml ? "YAML" : "JSON") + ": "
                    + e.getOriginalMessage() + location(e)));
        }
        return new Reader(env).read(root == null || root.isMissingNode() ? null : root, source);
    }

    /** True for {@code .yaml} and {@code .yml} files. */
    public static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    /** Writes {@code cluster} as JSON to {@code file}, atomically (a reader never sees half a file). */
    public static void write(ClusterDescription cluster, Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(tmp, toJson(cluster));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the cluster file " + file, e);
        }
    }

    /** The JSON text of {@code cluster}; secrets appear as written (an environment reference stays one). */
    public static String toJson(ClusterDescription cluster) {
        ObjectNode root = JSON.createObjectNode();
        root.put("clusterId", cluster.clusterId());
        root.put("database", cluster.database());
        root.put("topic", cluster.topic());
        writeKafka(root.putObject("kafka"), cluster.kafka());
        ArrayNode members = root.putArray("members");
        cluster.members().forEach(m -> writeMember(members.addObject(), m));
        if (!cluster.zones().isEmpty()) {
            ArrayNode zones = root.putArray("zones");
            cluster.zones().forEach(z -> writeZone(zones.addObject(), z));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render cluster " + cluster.clusterId() + " as JSON", e);
        }
    }

    private static void writeKafka(ObjectNode kafka, KafkaCluster cluster) {
        kafka.put("bootstrapServers", cluster.bootstrapServers());
        kafka.put("replicationFactor", cluster.replicationFactor());
        if (!cluster.properties().isEmpty()) {
            ObjectNode properties = kafka.putObject("properties");
            cluster.properties().forEach((key, value) -> properties.put(key, value.written()));
        }
    }

    private static void writeZone(ObjectNode node, Zone z) {
        node.put("name", z.name());
        writeKafka(node.putObject("kafka"), z.kafka());
        node.put("topic", z.topic());
        z.mirrorMaker().ifPresent(url -> node.put("mirrorMakerMetrics", url.toString()));
    }

    private static void writeMember(ObjectNode node, Member m) {
        node.put("name", m.name());
        node.put("zone", m.zone());
        node.put("bolt", m.bolt().toString());
        node.put("user", m.user());
        if (!m.password().isEmpty()) {
            node.put("password", m.password().written());
        }
        if (m.applierMetrics().size() == 1) {
            node.put("applierMetrics", m.applierMetrics().get(0).toString());
        } else if (!m.applierMetrics().isEmpty()) {
            m.applierMetrics().forEach(url -> node.withArray("applierMetrics").add(url.toString()));
        }
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }

    /** One validation pass; collects problems and throws them all at the end. */
    private static final class Reader {
        private final Function<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Function<String, String> env) {
            this.env = env;
        }

        ClusterDescription read(JsonNode root, String source) {
            Fields top = Fields.of(root, "", problems);
            top.rejectUnknown(TOP_FIELDS);
            String clusterId = name(top, "clusterId");
            String database = database(top);
            String topic = topic(top, clusterId, database);
            KafkaCluster kafka = kafka(top.object("kafka", true));
            List<Member> members = members(top);
            List<Zone> zones = zones(top, topic);
            if (!problems.isEmpty()) {
                throw new ClusterFileException(source, problems);
            }
            return new ClusterDescription(clusterId, database, topic, kafka, members, zones);
        }

        private String name(Fields fields, String field) {
            String name = fields.required(field);
            if (name != null && !NAME.matcher(name).matches()) {
                fields.problem(field, "'" + name + "' may only contain letters, digits, '.', '_' and '-'");
                return null;
            }
            return name;
        }

        private String database(Fields top) {
            String database = top.optional("database").orElse(ClusterDescription.DEFAULT_DATABASE);
            if (database.equalsIgnoreCase("system")) {
                top.problem("database", "the system database is never replicated; name the user database");
                return null;
            }
            if (!DATABASE.matcher(database).matches()) {
                top.problem("database", "'" + database + "' is not a Neo4j database name (3 to 63 letters, digits, "
                        + "'.' and '-', starting with a letter)");
                return null;
            }
            return database.toLowerCase(Locale.ROOT);
        }

        private String topic(Fields top, String clusterId, String database) {
            try {
                String explicit = top.optional("topic").orElse(null);
                if (explicit != null) {
                    TopicNames.validate(explicit);
                    return explicit;
                }
                // Derived only from valid parts: a bad cluster id is reported once, not again as a bad topic.
                return clusterId == null || database == null ? null
                        : TopicNames.topicFor(TopicNames.DEFAULT_PREFIX, clusterId, database);
            } catch (IllegalArgumentException e) {
                top.problem("topic", e.getMessage());
                return null;
            }
        }

        private KafkaCluster kafka(Fields kafka) {
            if (kafka == null) {
                return null;
            }
            kafka.rejectUnknown(KAFKA_FIELDS);
            List<String> servers = kafka.textList("bootstrapServers");
            servers.stream().filter(s -> !isHostPort(s)).forEach(s -> kafka.problem("bootstrapServers",
                    "'" + s + "' is not host:port"));
            short replicationFactor = (short) kafka.integer("replicationFactor",
                    KafkaCluster.DEFAULT_REPLICATION_FACTOR, 1, 32);
            return new KafkaCluster(String.join(",", servers), replicationFactor, properties(kafka));
        }

        private Map<String, Secret> properties(Fields kafka) {
            Map<String, Secret> properties = new LinkedHashMap<>();
            kafka.textMap("properties").forEach((key, written) -> {
                String path = "properties." + key;
                if (key.equals("bootstrap.servers")) {
                    kafka.problem(path, "set kafka.bootstrapServers instead");
                } else {
                    secret(kafka, path, written).ifPresent(s -> properties.put(key, s));
                }
            });
            return properties;
        }

        private List<Member> members(Fields top) {
            List<Fields> entries = top.objects("members");
            List<Member> members = new ArrayList<>();
            entries.forEach(entry -> members.add(member(entry)));
            rejectDuplicates(entries, members);
            return members;
        }

        /**
         * The zones with a Kafka cluster of their own: names unique, each with its cluster; the topic's copy is named
         * like the topic unless the zone says otherwise (MirrorMaker's default policy prefixes the source alias).
         */
        private List<Zone> zones(Fields top, String topic) {
            if (!top.has("zones")) {
                return List.of();
            }
            List<Zone> zones = new ArrayList<>();
            Map<String, Integer> names = new HashMap<>();
            List<Fields> entries = top.objects("zones");
            for (int i = 0; i < entries.size(); i++) {
                Fields entry = entries.get(i);
                entry.rejectUnknown(ZONE_FIELDS);
                String name = name(entry, "name");
                Integer same = name == null ? null : names.putIfAbsent(name, i);
                if (same != null) {
                    problems.add("two zones named '" + name + "' (zones[" + same + "] and zones[" + i + "])");
                }
                KafkaCluster kafka = kafka(entry.object("kafka", true));
                String copy = zoneTopic(entry, topic);
                URI mirrorMaker = entry.optional("mirrorMakerMetrics").map(url -> uri(entry, "mirrorMakerMetrics", url,
                        Set.of("http", "https"), "an HTTP URL; expected http://host:port/metrics")).orElse(null);
                zones.add(new Zone(name, kafka, copy, mirrorMaker));
            }
            return zones;
        }

        private static String zoneTopic(Fields entry, String topic) {
            try {
                String explicit = entry.optional("topic").orElse(null);
                if (explicit != null) {
                    TopicNames.validate(explicit);
                    return explicit;
                }
                return topic;
            } catch (IllegalArgumentException e) {
                entry.problem("topic", e.getMessage());
                return null;
            }
        }

        private Member member(Fields entry) {
            entry.rejectUnknown(MEMBER_FIELDS);
            String name = name(entry, "name");
            String zone = entry.optional("zone").orElse("");
            URI bolt = uri(entry, "bolt", entry.required("bolt"), BOLT_SCHEMES,
                    "a Bolt address; expected bolt://host:port (or bolt+s, bolt+ssc, neo4j, neo4j+s, neo4j+ssc)");
            String user = entry.optional("user").orElse(Member.DEFAULT_USER);
            Secret password = entry.optional("password").flatMap(p -> secret(entry, "password", p))
                    .orElse(Secret.NONE);
            List<String> written = entry.optionalTextList("applierMetrics"); // one URL, or a list: a passive applier
            List<URI> appliers = new ArrayList<>();
            for (int i = 0; i < written.size(); i++) {
                URI applier = uri(entry, written.size() == 1 ? "applierMetrics" : "applierMetrics[" + i + "]",
                        written.get(i), Set.of("http", "https"), "an HTTP URL; expected http://host:port/metrics");
                if (applier != null) {
                    appliers.add(applier);
                }
            }
            return new Member(name, zone, bolt, user, password, appliers);
        }

        private Optional<Secret> secret(Fields fields, String field, String written) {
            try {
                return Optional.of(Secret.of(written, EnvReferences.resolve(written, env)));
            } catch (IllegalArgumentException e) {
                fields.problem(field, e.getMessage());
                return Optional.empty();
            }
        }

        private static URI uri(Fields fields, String field, String text, Set<String> schemes, String expected) {
            if (text == null) {
                return null;
            }
            try {
                URI uri = new URI(text.trim());
                if (uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))
                        && uri.getHost() != null) {
                    return uri;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            fields.problem(field, "'" + text + "' is not " + expected);
            return null;
        }

        private void rejectDuplicates(List<Fields> entries, List<Member> members) {
            Map<String, Integer> names = new HashMap<>();
            Map<URI, Integer> addresses = new HashMap<>();
            for (int i = 0; i < members.size(); i++) {
                Member m = members.get(i);
                Integer sameName = m.name() == null ? null : names.putIfAbsent(m.name(), i);
                if (sameName != null) {
                    problems.add("two members named '" + m.name() + "' (members[" + sameName + "] and members[" + i
                            + "])");
                }
                Integer sameAddress = m.bolt() == null ? null : addresses.putIfAbsent(m.bolt(), i);
                if (sameAddress != null) {
                    entries.get(i).problem("bolt", m.bolt() + " is also the address of members[" + sameAddress + "]");
                }
            }
        }

        private static boolean isHostPort(String server) {
            var m = HOST_PORT.matcher(server);
            return m.matches() && Integer.parseInt(m.group(2)) >= 1 && Integer.parseInt(m.group(2)) <= 65535;
        }
    }
}
