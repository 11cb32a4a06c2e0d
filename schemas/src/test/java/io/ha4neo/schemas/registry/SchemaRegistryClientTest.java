package io.ha4neo.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"A\",\"doc\":\"quotes \\\" and unicode \u00e9\","
            + "\"fields\":[{\"name\":\"x\",\"type\":\"long\"}]}";
    private final InTestSchemaRegistry registry = newRegistry();
    private final SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url()).build();

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void registersASchemaAndFetchesTheSameTextBackById() throws Exception {
        int id = client.register("ha4neo.dc1.neo4j-value", SCHEMA);
        assertThat(client.schemaById(id)).isEqualTo(SCHEMA);
        assertThat(registry.requests).first().asString()
                .isEqualTo("POST /subjects/ha4neo.dc1.neo4j-value/versions " + SchemaRegistryClient.CONTENT_TYPE);
    }

    @Test
    void registeringTheSameSchemaTwiceReturnsTheSameId() throws Exception {
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(client.register("s-value", SCHEMA));
    }

    @Test
    void readsTheLatestVersionOfASubject() throws Exception {
        registry.put("s-value", "\"long\"");
        int id = client.register("s-value", SCHEMA);
        assertThat(client.latest("s-value")).isEqualTo(new RegisteredSchema("s-value", 2, id, SCHEMA));
    }

    @Test
    void encodesSubjectsThatAreNotPlainPathSegments() throws Exception {
        int id = client.register("my topic/value", SCHEMA);
        assertThat(client.latest("my topic/value").id()).isEqualTo(id);
        assertThat(registry.requests.get(0)).startsWith("POST /subjects/my%20topic%2Fvalue/versions");
    }

    @Test
    void anUnknownIdFailsWithTheUrlTheIdTheStatusAndTheRegistrysErrorCodeAndMessage() {
        assertThatThrownBy(() -> client.schemaById(7)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(404);
            assertThat(e.errorCode()).isEqualTo(40403);
            assertThat(e.isNotFound()).isTrue();
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.url()).isEqualTo(URI.create(registry.url() + "/schemas/ids/7"));
            assertThat(e.getMessage()).contains("fetch schema id 7").contains(registry.url() + "/schemas/ids/7")
                    .contains("HTTP 404").contains("error_code 40403").contains("Schema 7 not found");
        });
    }

    @Test
    void anUnknownSubjectFailsNamingTheSubject() {
        assertThatThrownBy(() -> client.latest("nope-value")).isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("subject nope-value").hasMessageContaining("error_code 40401");
    }

    @Test
    void sendsBasicAuthenticationAndReportsRejectedCredentials() throws Exception {
        registry.requireAuthorization("Basic dXNlcjpzM2NyZXQ="); // user:s3cret
        SchemaRegistryClient authed = SchemaRegistryClient.builder(registry.url()).basicAuth("user", "s3cret").build();
        assertThat(authed.register("s-value", SCHEMA)).isPositive();
        assertThatThrownBy(() -> client.register("s-value", SCHEMA)).isInstanceOfSatisfying(
                SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(401);
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getMessage()).contains("register schema under subject s-value").contains("Unauthorized");
                });
    }

    @Test
    void aServerErrorWithANonJsonBodyIsRetriableAndQuotesTheBody() {
        registry.failWith(503);
        assertThatThrownBy(() -> client.schemaById(100)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(503);
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NO_ERROR_CODE);
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.getMessage()).contains("HTTP 503").contains("upstream broken");
        });
    }

    @Test
    void anUnreachableRegistryIsRetriableWithNoResponse() throws Exception {
        int freePort;
        try (ServerSocket socket = new ServerSocket(0)) {
            freePort = socket.getLocalPort();
        }
        SchemaRegistryClient down = SchemaRegistryClient.builder(URI.create("http://127.0.0.1:" + freePort))
                .connectTimeout(Duration.ofSeconds(2)).build();
        assertThatThrownBy(() -> down.schemaById(1)).isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NO_RESPONSE);
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.getMessage()).contains("127.0.0.1:" + freePort).contains("no response");
        });
    }

    @Test
    void aStalledRegistryTimesOut() {
        registry.stall(3_000);
        SchemaRegistryClient impatient = SchemaRegistryClient.builder(registry.url())
                .requestTimeout(Duration.ofMillis(200)).build();
        long start = System.nanoTime();
        assertThatThrownBy(() -> impatient.schemaById(100)).isInstanceOfSatisfying(SchemaRegistryException.class,
                e -> assertThat(e.isRetriable()).isTrue());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void readsNoCompatibilityOfASubjectWithoutItsOwnLevelThenTheLevelItSet() throws Exception {
        assertThat(client.compatibility("s-value")).isEmpty();
        client.setCompatibility("s-value", "BACKWARD");
        assertThat(client.compatibility("s-value")).hasValue("BACKWARD");
        assertThat(registry.compatibility("s-value")).isEqualTo("BACKWARD");
        assertThat(registry.requests).contains("PUT /config/s-value " + SchemaRegistryClient.CONTENT_TYPE);
    }

    @Test
    void aRefusedCompatibilityLevelFailsNamingTheSubjectAndTheLevel() {
        assertThatThrownBy(() -> client.setCompatibility("s-value", "SIDEWAYS")).isInstanceOfSatisfying(
                SchemaRegistryException.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(422);
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getMessage()).contains("set compatibility of subject s-value to SIDEWAYS")
                            .contains("error_code 42203");
                });
    }

    @Test
    void takesBasicAuthenticationInUserInfoFormWithAColonInThePassword() throws Exception {
        registry.requireAuthorization("Basic dXNlcjpzM2M6cmV0"); // user:s3c:ret
        SchemaRegistryClient authed = SchemaRegistryClient.builder(registry.url()).basicAuthUserInfo("user:s3c:ret")
                .build();
        assertThat(authed.register("s-value", SCHEMA)).isPositive();
        assertThatThrownBy(() -> SchemaRegistryClient.builder(registry.url()).basicAuthUserInfo("no-colon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("no-colon");
    }

    @Test
    void resolvesEndpointsBelowABaseUrlWithAPath() throws Exception {
        SchemaRegistryClient below = SchemaRegistryClient.builder(URI.create(registry.url() + "/apis/ccompat/v7"))
                .build();
        below.compatibility("s-value"); // this registry serves no such path: 404, read as "no level"
        assertThat(registry.requests).last().asString().startsWith("GET /apis/ccompat/v7/config/s-value");
    }

    private static InTestSchemaRegistry newRegistry() {
        try {
            return new InTestSchemaRegistry();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
