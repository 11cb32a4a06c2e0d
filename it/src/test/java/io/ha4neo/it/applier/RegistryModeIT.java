package io.ha4neo.it.applier;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ha4neo.it.applier.GraphSnapshot.Identity;
import io.ha4neo.it.support.TestStack;
import io.ha4neo.schemas.codec.EventCodec;
import io.ha4neo.schemas.codec.EventCodecs;
import io.ha4neo.schemas.codec.EventSchemas;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.TransactionEvent;
import io.ha4neo.schemas.registry.InTestSchemaRegistry;
import io.ha4neo.schemas.registry.SchemaRegistryClient;
import io.ha4neo.schemas.topology.TopicNames;
import io.ha4neo.schemas.value.Value;
import io.ha4neo.schemas.value.ValueType;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.neo4j.driver.Driver;

/**
 * Registry mode end to end (issue 17), on real processes: the primary's plugin, the standby's plugin and the applier
 * are configured with a Schema Registry's URL and basic-auth credentials. The registry is {@link InTestSchemaRegistry}
 * (schemas' test jar), a small server of the documented Confluent endpoints running in this JVM on a port the
 * processes reach: no runnable Confluent-compatible registry can be had from Maven Central here (Apicurio Registry's
 * app artifact depends on modules that are not published there; see docs/event-model.md, registry mode).
 *
 * <p>Checks: a workload over every value type (and a chunked transaction) reaches the standby equal; every record
 * value carries the registry's schema id, not the embedded one; the subject {@code <topic>-value} holds the schema
 * with compatibility BACKWARD; and a reader this project did not write, Node.js with the npm packages {@code kafkajs}
 * and {@code @kafkajs/confluent-schema-registry} (it/src/test/node/registry-interop, exact versions), reads the topic
 * and decodes every record through the registry to what ha4neo's own codec decodes.
 */
class RegistryModeIT {
    private static final long SEED = 20_261_207L;
    private static final String REGISTRY_USER_INFO = "ha4neo:" + Long.toHexString(new java.security.SecureRandom()
            .nextLong());
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aStackInRegistryModeReplicatesEveryValueTypeAndAThirdPartyDecoderReadsItsTopicThroughTheRegistry()
            throws Exception {
        try (InTestSchemaRegistry registry = new InTestSchemaRegistry()) {
            registry.requireAuthorization("Basic " + Base64.getEncoder().encodeToString(
                    REGISTRY_USER_INFO.getBytes(StandardCharsets.UTF_8)));
            String url = registry.url().toString();
            try (TestStack stack = TestStack.builder("registry-mode").withBroker()
                    .withPrimary("primary", s -> registryMode(s, url))
                    .withStandby("standby", s -> registryMode(s, url))
                    .withApplier("standby", a -> a.property("schema.registry.url", url)
                            .environment("HA4NEO_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO", REGISTRY_USER_INFO))
                    .start();
                 Driver primary = stack.server("primary").driver();
                 Driver standby = stack.server("standby").driver()) {
                String subject = TopicNames.valueSubject(stack.topic());
                theSubjectHoldsTheSchemaWithBackwardCompatibility(registry, subject);

                EndToEndEqualityIT.everyValueTypeNode(primary);
                RandomGraphWorkload load = new RandomGraphWorkload(primary, SEED, 2, 60, 0);
                Thread writers = load.startInBackground();
                EndToEndEqualityIT.bigTransaction(primary);
                writers.join();
                assertThat(load.committed()).as("workload transactions (first failure: %s)", load.firstFailure())
                        .isGreaterThan(100);

                long caughtUp = Replication.awaitCaughtUp(stack, primary, standby, Duration.ofSeconds(120));
                GraphSnapshot expected = GraphSnapshot.of(primary, Identity.ORIGIN);
                GraphSnapshot actual = GraphSnapshot.of(standby, Identity.REPLICA);
                System.out.printf("registry mode: caught up at commit %d; primary %s%n", caughtUp, expected);
                expected.assertSameAs(actual);
                assertThat(actual.problems()).as("duplicate keys on the standby").isEmpty();

                List<ConsumerRecord<byte[], byte[]>> records = readTopic(stack.broker().bootstrapServers(),
                        stack.topic());
                int id = registry.versions(subject).get(0);
                everyRecordCarriesTheRegistrysId(records, id);
                List<JsonNode> ours = describeWithOurCodec(records, registry);
                assertThat(ours).as("a chunked transaction").anyMatch(l -> l.get("chunkCount").asInt() > 1);
                List<JsonNode> theirs = NodeInterop.decode(stack, url, records.size());
                assertThat(theirs).as("what kafkajs + @kafkajs/confluent-schema-registry decoded, record by record")
                        .containsExactlyElementsOf(ours);
                theEveryTypeNodeCameThroughWithItsExtremeValues(theirs);
                secretsStayOutOfTheLogs(stack);
                System.out.printf("registry mode: %d records, schema id %d, subject %s; the Node.js decoder agreed "
                        + "on every one%n", records.size(), id, subject);
            }
        }
    }

    private static void registryMode(io.ha4neo.launcher.process.Neo4jServer.Builder server, String url) {
        server.setting("ha4neo.schema.registry.url", url)
                .setting("ha4neo.schema.registry.basic.auth.user.info", REGISTRY_USER_INFO);
    }

    /** The primary registered at capture start, before any client wrote: the subject exists, BACKWARD. */
    private static void theSubjectHoldsTheSchemaWithBackwardCompatibility(InTestSchemaRegistry registry, String subject)
            throws Exception {
        SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url())
                .basicAuthUserInfo(REGISTRY_USER_INFO).build();
        assertThat(client.compatibility(subject)).hasValue("BACKWARD");
        assertThat(new Schema.Parser().parse(client.latest(subject).schema())).isEqualTo(EventSchemas.current());
        assertThat(registry.versions(subject)).as("one schema, registered once however many members started")
                .hasSize(1);
    }

    private static void everyRecordCarriesTheRegistrysId(List<ConsumerRecord<byte[], byte[]>> records, int id) {
        assertThat(id).as("the registry's id, never an embedded one").isNotEqualTo(
                EventSchemas.embeddedId(EventSchemas.CURRENT_VERSION)).isGreaterThanOrEqualTo(100);
        assertThat(records).hasSizeGreaterThan(100).allSatisfy(r -> {
            assertThat(r.value()[0]).as("magic byte at offset %d", r.offset()).isZero();
            assertThat(ByteBuffer.wrap(r.value(), 1, 4).getInt()).as("schema id at offset %d", r.offset())
                    .isEqualTo(id);
        });
    }

    /** What ha4neo's registry codec decodes, in the shape the Node.js script prints. */
    private static List<JsonNode> describeWithOurCodec(List<ConsumerRecord<byte[], byte[]>> records,
                                                       InTestSchemaRegistry registry) {
        EventCodec codec = EventCodecs.registry(SchemaRegistryClient.builder(registry.url())
                .basicAuthUserInfo(REGISTRY_USER_INFO).build(), "unused-for-decoding");
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            TransactionEvent e;
            try {
                e = codec.decode(r.value());
            } catch (Exception ex) {
                throw new AssertionError("ha4neo's codec cannot decode offset " + r.offset() + ": " + ex, ex);
            }
            ObjectNode line = JSON.createObjectNode().put("offset", Math.toIntExact(r.offset()))
                    .put("schemaId", ByteBuffer.wrap(r.value(), 1, 4).getInt())
                    .put("commitId", Long.toString(e.commitId()))
                    .put("previousCommitId", Long.toString(e.previousCommitId()))
                    .put("epoch", Long.toString(e.epoch())).put("chunkIndex", e.chunkIndex())
                    .put("chunkCount", e.chunkCount());
            ArrayNode nodes = line.putArray("createdNodes");
            e.createdNodes().forEach(n -> nodes.add(describe(n)));
            out.add(line);
        }
        return out;
    }

    private static ObjectNode describe(NodeCreated n) {
        ObjectNode node = JSON.createObjectNode().put("key", n.key());
        n.labels().forEach(node.putArray("labels")::add);
        ObjectNode properties = node.putObject("properties");
        new TreeMap<>(n.properties()).forEach((name, v) -> properties.set(name, describe(v)));
        return node;
    }

    /** The union branch's record name (in {@link ValueType} order), and the plain value of three simple types. */
    private static ObjectNode describe(Value v) {
        ObjectNode d = JSON.createObjectNode().put("type", branchName(v.type()));
        if (v.type() == ValueType.BOOLEAN || v.type() == ValueType.LONG || v.type() == ValueType.STRING) {
            d.put("value", String.valueOf(v.raw()));
        }
        return d;
    }

    private static String branchName(ValueType type) {
        Schema propertyValue = EventSchemas.current().getField("createdNodes").schema().getElementType()
                .getField("properties").schema().getValueType();
        return propertyValue.getField("value").schema().getTypes().get(type.ordinal()).getName();
    }

    private static void theEveryTypeNodeCameThroughWithItsExtremeValues(List<JsonNode> theirs) {
        JsonNode everyType = theirs.stream().flatMap(l -> streamOf(l.get("createdNodes")))
                .filter(n -> streamOf(n.get("labels")).anyMatch(l -> l.asText().equals("EveryType")))
                .findFirst().orElseThrow(() -> new AssertionError("no EveryType node in the Node.js output"));
        JsonNode p = everyType.get("properties");
        assertThat(p.get("longMin").get("value").asText()).isEqualTo(Long.toString(Long.MIN_VALUE));
        assertThat(p.get("longMax").get("value").asText()).isEqualTo(Long.toString(Long.MAX_VALUE));
        assertThat(p.get("string").get("value").asText()).isEqualTo("😀 unicode 日本語 \u0000 end");
        assertThat(p.get("dstOverlapEarlier").get("type").asText()).isEqualTo("DateTimeValue");
        assertThat(p.get("points3d").get("type").asText()).isEqualTo("PointArrayValue");
        Set<String> types = new java.util.TreeSet<>();
        p.forEach(v -> types.add(v.get("type").asText()));
        assertThat(types).as("every value type the node holds").hasSize(ValueType.values().length);
    }

    private static java.util.stream.Stream<JsonNode> streamOf(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false);
    }

    /**
     * The registry's credentials are in no log line: the primary's plugin (its start-up line) and the applier mask them;
     * a standby's plugin logs no configuration.
     */
    private static void secretsStayOutOfTheLogs(TestStack stack) throws Exception {
        String password = REGISTRY_USER_INFO.substring(REGISTRY_USER_INFO.indexOf(':') + 1);
        assertThat(Files.readString(stack.server("primary").logFile())).as("neo4j.log of the primary")
                .contains("ha4neo.schema.registry.basic.auth.user.info=********").doesNotContain(password);
        assertThat(Files.readString(stack.server("standby").logFile())).as("neo4j.log of the standby")
                .doesNotContain(password);
        assertThat(Files.readString(stack.applier().logFile())).as("the applier's log")
                .contains("schema.registry.basic.auth.user.info=********").doesNotContain(password);
    }

    /** Every committed record of partition 0, in offset order. */
    private static List<ConsumerRecord<byte[], byte[]>> readTopic(String bootstrap, String topic) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 << 20);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(Set.of(tp));
            consumer.seekToBeginning(Set.of(tp));
            long end = consumer.endOffsets(Set.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 120_000;
            while (consumer.position(tp) < end) {
                assertThat(System.currentTimeMillis()).as("reading %s to offset %d", topic, end).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Runs it/src/test/node/registry-interop/decode-topic.js: installs its exact dependencies ({@code npm ci}, from
     * its lock file) into it/target/registry-interop once, then reads the topic with it. Needs {@code node} and
     * {@code npm} on the PATH (.ci/run installs them).
     */
    static final class NodeInterop {
        private static final List<String> FILES = List.of("package.json", "package-lock.json", "decode-topic.js");

        static List<JsonNode> decode(TestStack stack, String registryUrl, int records) throws Exception {
            Path source = stack.layout().projectDir().resolve("it/src/test/node/registry-interop");
            Path dir = stack.layout().projectDir().resolve("it/target/registry-interop");
            install(source, dir);
            Path out = dir.resolve("decoded.jsonl");
            Path err = dir.resolve("decode-topic.stderr");
            int exit = run(dir, out, err, Duration.ofMinutes(3), "node", "decode-topic.js",
                    stack.broker().bootstrapServers(), stack.topic(), registryUrl, REGISTRY_USER_INFO,
                    Integer.toString(records), "120000");
            assertThat(exit).as("node decode-topic.js exit code; stderr: %s", Files.readString(err)).isZero();
            List<JsonNode> lines = new ArrayList<>();
            for (String line : Files.readAllLines(out)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
            lines.sort(java.util.Comparator.comparingLong(l -> l.get("offset").asLong()));
            return lines;
        }

        private static void install(Path source, Path dir) throws Exception {
            Files.createDirectories(dir);
            boolean changed = false;
            for (String f : FILES) {
                Path target = dir.resolve(f);
                changed |= !Files.exists(target) || Files.mismatch(source.resolve(f), target) >= 0;
                Files.copy(source.resolve(f), target, StandardCopyOption.REPLACE_EXISTING);
            }
            if (changed || !Files.isDirectory(dir.resolve("node_modules"))) {
                int exit = run(dir, dir.resolve("npm-ci.log"), dir.resolve("npm-ci.log"), Duration.ofMinutes(5),
                        "npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts");
                assertThat(exit).as("npm ci in %s (log: %s)", dir, Files.readString(dir.resolve("npm-ci.log")))
                        .isZero();
            }
        }

        private static int run(Path dir, Path out, Path err, Duration timeout, String... command) throws Exception {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
            if (out.equals(err)) {
                pb.redirectErrorStream(true).redirectOutput(out.toFile());
            } else {
                pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            }
            Process p;
            try {
                p = pb.start();
            } catch (java.io.IOException e) {
                throw new AssertionError("cannot run " + command[0] + " (" + e.getMessage() + "): RegistryModeIT needs "
                        + "Node.js and npm on the PATH; .ci/run installs them with apt-get", e);
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout);
            }
            return p.exitValue();
        }
    }
}
