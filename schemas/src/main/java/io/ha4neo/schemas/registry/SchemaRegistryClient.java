package io.ha4neo.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * A small client for the Confluent Schema Registry REST API, enough for the event codec: register a
 * schema under a subject, fetch a schema by id, read a subject's latest version, read and set a subject's
 * compatibility level. Thread-safe.
 *
 * <p>Usage:
 * <pre>{@code
 * SchemaRegistryClient registry = SchemaRegistryClient.builder(URI.create("http://registry:8081"))
 *         .basicAuth("user", "secret")
 *         .requestTimeout(Duration.ofSeconds(10))
 *         .build();
 * EventCodec codec = EventCodecs.registry(registry, "ha4neo.dc1.neo4j-value", EventCodecs.DEFAULT_MAX_RECORD_BYTES);
 * }</pre>
 *
 * <p>Written here because Confluent's Java client is not on Maven Central. It uses the JDK HTTP client
 * and the Jackson that Avro already depends on.
 */
public final class SchemaRegistryClient {
    /** The registry's content type for requests and responses. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI baseUrl;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final String authorization;

    private SchemaRegistryClient(Builder b) {
        String base = b.baseUrl.toString();
        this.baseUrl = URI.create(base.endsWith("/") ? base : base + "/");
        this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).build();
        this.requestTimeout = b.requestTimeout;
        this.authorization = b.authorization;
    }

    /** A builder for a registry at {@code baseUrl}, e.g. {@code http://localhost:8081}. */
    public static Builder builder(URI baseUrl) {
        return new Builder(baseUrl);
    }

    public URI baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schemaJson} under {@code subject} ({@code POST /subjects/{subject}/versions}) and
     * returns its global id. Registering a schema the subject already has returns the existing id.
     */
    public int register(String subject, String schemaJson) throws SchemaRegistryException {
        URI url = subjectUrl(subject, "/versions");
        ObjectNode body = JSON.createObjectNode().put("schema", schemaJson);
        JsonNode response = send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                "register schema under subject " + subject, url);
        return requiredInt(response, "id", "register schema under subject " + subject, url);
    }

    /** The schema text with the global id {@code id} ({@code GET /schemas/ids/{id}}). */
    public String schemaById(int id) throws SchemaRegistryException {
        URI url = baseUrl.resolve("schemas/ids/" + id);
        String what = "fetch schema id " + id;
        return requiredText(send(HttpRequest.newBuilder(url).GET(), what, url), "schema", what, url);
    }

    /** The latest version of a subject ({@code GET /subjects/{subject}/versions/latest}). */
    public RegisteredSchema latest(String subject) throws SchemaRegistryException {
        URI url = subjectUrl(subject, "/versions/latest");
        String what = "read latest version of subject " + subject;
        JsonNode r = send(HttpRequest.newBuilder(url).GET(), what, url);
        return new RegisteredSchema(r.path("subject").asText(subject), requiredInt(r, "version", what, url),
                requiredInt(r, "id", what, url), requiredText(r, "schema", what, url));
    }

    /**
     * The compatibility level set on {@code subject} itself ({@code GET /config/{subject}}), e.g. {@code BACKWARD};
     * empty when the subject has none of its own (404: the registry's global level applies to it).
     */
    public Optional<String> compatibility(String subject) throws SchemaRegistryException {
        URI url = configUrl(subject);
        String what = "read compatibility of subject " + subject;
        JsonNode r;
        try {
            r = send(HttpRequest.newBuilder(url).GET(), what, url);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
        // Confluent answers {"compatibilityLevel": ...}; some compatible registries say "compatibility".
        JsonNode level = r.has("compatibilityLevel") ? r.get("compatibilityLevel") : r.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw malformed("compatibilityLevel", what, url);
        }
        return Optional.of(level.asText());
    }

    /** Sets the compatibility level of {@code subject} ({@code PUT /config/{subject}}), e.g. {@code BACKWARD}. */
    public void setCompatibility(String subject, String level) throws SchemaRegistryException {
        URI url = configUrl(subject);
        ObjectNode body = JSON.createObjectNode().put("compatibility", Objects.requireNonNull(level, "level"));
        send(HttpRequest.newBuilder(url).PUT(HttpRequest.BodyPublishers.ofString(body.toString())),
                "set compatibility of subject " + subject + " to " + level, url);
    }

    private URI configUrl(String subject) {
        return baseUrl.resolve("config/" + encodeSegment(subject));
    }

    private URI subjectUrl(String subject, String tail) {
        return baseUrl.resolve("subjects/" + encodeSegment(subject) + tail);
    }

    /** Subjects such as "topic-value" are path segments; encode them (URLEncoder writes '+' for space). */
    private static String encodeSegment(String subject) {
        return URLEncoder.encode(Objects.requireNonNull(subject, "subject"), StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(HttpRequest.Builder request, String what, URI url) throws SchemaRegistryException {
        request.timeout(requestTimeout).header("Accept", CONTENT_TYPE + ", application/json")
                .header("Content-Type", CONTENT_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(what, url, SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_ERROR_CODE, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException(what + " (interrupted)", url, SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_ERROR_CODE, null, e);
        }
        return parse(response, what, url);
    }

    private static JsonNode parse(HttpResponse<String> response, String what, URI url) throws SchemaRegistryException {
        JsonNode json = null;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException notJson) {
            // An error page from a proxy, for example: report the body as the message below.
        }
        int status = response.statusCode();
        if (status / 100 == 2 && json != null && json.isObject()) {
            return json;
        }
        if (json != null && json.isObject()) {
            throw new SchemaRegistryException(what, url, status, json.path("error_code").asInt(-1),
                    json.path("message").asText(null), null);
        }
        throw new SchemaRegistryException(what, url, status, SchemaRegistryException.NO_ERROR_CODE,
                abbreviate(response.body()), null);
    }

    private static int requiredInt(JsonNode json, String field, String what, URI url) throws SchemaRegistryException {
        JsonNode node = json.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw malformed(field, what, url);
        }
        return node.intValue();
    }

    private static String requiredText(JsonNode json, String field, String what, URI url) throws SchemaRegistryException {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw malformed(field, what, url);
        }
        return node.asText();
    }

    private static SchemaRegistryException malformed(String field, String what, URI url) {
        return new SchemaRegistryException(what, url, 200, SchemaRegistryException.NO_ERROR_CODE,
                "response has no valid '" + field + "' field", null);
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 200 ? body : body.substring(0, 200) + "...";
    }

    /** Builder of {@link SchemaRegistryClient}. Defaults: connect timeout 5 s, request timeout 10 s. */
    public static final class Builder {
        private final URI baseUrl;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private String authorization;

        private Builder(URI baseUrl) {
            this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        }

        /** HTTP basic authentication (the registry's {@code basic.auth.user.info}). */
        public Builder basicAuth(String user, String password) {
            String token = user + ":" + password;
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /**
         * HTTP basic authentication from Confluent's {@code basic.auth.user.info} form, {@code user:password} (the
         * password may contain ':'); null or empty for none.
         *
         * @throws IllegalArgumentException when it has no ':'
         */
        public Builder basicAuthUserInfo(String userInfo) {
            if (userInfo == null || userInfo.isEmpty()) {
                this.authorization = null;
                return this;
            }
            int colon = userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("basic auth user info must be user:password");
            }
            return basicAuth(userInfo.substring(0, colon), userInfo.substring(colon + 1));
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public SchemaRegistryClient build() {
            return new SchemaRegistryClient(this);
        }
    }
}
