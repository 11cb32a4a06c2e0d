package io.ha4neo.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Schema Registry over real HTTP (JDK HttpServer) for tests: the endpoints the client uses (register a
 * schema, a schema by id, a subject's latest version, a subject's compatibility level: {@code GET} and
 * {@code PUT /config/{subject}}), Confluent's error bodies ({@code error_code}, {@code message}), optional basic
 * auth, and switches to fail or stall. Ids start at 100 so they never coincide with the embedded ids by accident.
 *
 * <p>Like Confluent's registry, it keeps no compatibility level per subject until one is set ({@code GET /config/s}
 * answers 404, error code 40408), and it does not check compatibility itself: tests assert the level that was set.
 * The integration tests run it in the test JVM for the plugin and applier processes (it/RegistryModeIT).
 */
public final class InTestSchemaRegistry implements AutoCloseable {
    private static final Pattern VERSIONS = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(-?\\d+)");
    private static final Pattern CONFIG = Pattern.compile("/config/([^/]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<Integer, String> schemas = new HashMap<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();
    private final Map<String, String> compatibility = new HashMap<>();
    /** Every request as "METHOD path content-type", for assertions. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile String requiredAuthorization;
    private volatile int failWithStatus;
    private volatile long stallMillis;
    private int nextId = 100;

    public InTestSchemaRegistry() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Requires this exact Authorization header; null for none. */
    public void requireAuthorization(String header) {
        this.requiredAuthorization = header;
    }

    /** Answers every request with this status and a plain-text body (0 = behave normally). */
    public void failWith(int status) {
        this.failWithStatus = status;
    }

    /** Sleeps before answering, to exercise client timeouts. */
    public void stall(long millis) {
        this.stallMillis = millis;
    }

    /** Stores a schema directly, as if another producer had registered it; returns its id. */
    public synchronized int put(String subject, String schema) {
        for (Map.Entry<Integer, String> e : schemas.entrySet()) {
            if (e.getValue().equals(schema)) {
                subjects.computeIfAbsent(subject, s -> new ArrayList<>());
                if (!subjects.get(subject).contains(e.getKey())) {
                    subjects.get(subject).add(e.getKey());
                }
                return e.getKey();
            }
        }
        int id = nextId++;
        schemas.put(id, schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    /** Sets a subject's compatibility level directly, as an operator would have. */
    public synchronized void putCompatibility(String subject, String level) {
        compatibility.put(subject, level);
    }

    /** The compatibility level set on {@code subject}, or null when none was set. */
    public synchronized String compatibility(String subject) {
        return compatibility.get(subject);
    }

    /** The ids registered under {@code subject}, oldest first; empty when the subject does not exist. */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(subjects.getOrDefault(subject, List.of()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            requests.add(exchange.getRequestMethod() + " " + path + " " + exchange.getRequestHeaders().getFirst("Content-Type"));
            if (stallMillis > 0) {
                sleep(stallMillis);
            }
            if (failWithStatus != 0) {
                send(exchange, failWithStatus, "text/html", "<html>upstream broken</html>");
                return;
            }
            String auth = requiredAuthorization;
            if (auth != null && !auth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                error(exchange, 401, 401, "Unauthorized");
                return;
            }
            route(exchange, path);
        }
    }

    private void route(HttpExchange exchange, String path) throws IOException {
        String method = exchange.getRequestMethod();
        Matcher m;
        if (method.equals("POST") && (m = VERSIONS.matcher(path)).matches()) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            if (!body.path("schema").isTextual()) {
                error(exchange, 422, 42201, "Invalid schema");
                return;
            }
            ok(exchange, JSON.createObjectNode().put("id", put(decode(m.group(1)), body.get("schema").asText())));
        } else if (method.equals("GET") && (m = LATEST.matcher(path)).matches()) {
            latest(exchange, decode(m.group(1)));
        } else if (method.equals("GET") && (m = BY_ID.matcher(path)).matches()) {
            byId(exchange, Integer.parseInt(m.group(1)));
        } else if (method.equals("GET") && (m = CONFIG.matcher(path)).matches()) {
            config(exchange, decode(m.group(1)));
        } else if (method.equals("PUT") && (m = CONFIG.matcher(path)).matches()) {
            setConfig(exchange, decode(m.group(1)), JSON.readTree(exchange.getRequestBody()));
        } else {
            error(exchange, 404, 404, "HTTP 404 Not Found");
        }
    }

    private synchronized void latest(HttpExchange exchange, String subject) throws IOException {
        List<Integer> ids = subjects.get(subject);
        if (ids == null) {
            error(exchange, 404, 40401, "Subject '" + subject + "' not found.");
            return;
        }
        int id = ids.get(ids.size() - 1);
        ok(exchange, JSON.createObjectNode().put("subject", subject).put("version", ids.size()).put("id", id)
                .put("schema", schemas.get(id)));
    }

    private synchronized void config(HttpExchange exchange, String subject) throws IOException {
        String level = compatibility.get(subject);
        if (level == null) {
            error(exchange, 404, 40408, "Subject '" + subject + "' does not have subject-level compatibility configured");
            return;
        }
        ok(exchange, JSON.createObjectNode().put("compatibilityLevel", level));
    }

    private synchronized void setConfig(HttpExchange exchange, String subject, JsonNode body) throws IOException {
        String level = body.path("compatibility").asText("");
        if (!List.of("NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL",
                "FULL_TRANSITIVE").contains(level)) {
            error(exchange, 422, 42203, "Invalid compatibility level");
            return;
        }
        compatibility.put(subject, level);
        ok(exchange, JSON.createObjectNode().put("compatibility", level));
    }

    private synchronized void byId(HttpExchange exchange, int id) throws IOException {
        String schema = schemas.get(id);
        if (schema == null) {
            error(exchange, 404, 40403, "Schema " + id + " not found");
            return;
        }
        ok(exchange, JSON.createObjectNode().put("schema", schema));
    }

    private static void ok(HttpExchange exchange, ObjectNode body) throws IOException {
        send(exchange, 200, SchemaRegistryClient.CONTENT_TYPE, body.toString());
    }

    private static void error(HttpExchange exchange, int status, int code, String message) throws IOException {
        send(exchange, status, SchemaRegistryClient.CONTENT_TYPE,
                JSON.createObjectNode().put("error_code", code).put("message", message).toString());
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment, StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
