package io.ha4neo.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.neo4j.logging.InternalLog;
import org.junit.jupiter.api.Test;

/**
 * The packaged plugin jar (what goes into a server's plugins/) cannot clash with the Neo4j server it is loaded
 * into: Neo4j puts plugins/ on the same class path as its own lib/, so a bundled class with the name of one of
 * Neo4j's (or a second copy of a library Neo4j ships) would load one version or the other by class path order.
 *
 * <p>Runs in failsafe after {@code package}, on {@code target/capture-plugin-<version>.jar}. The Neo4j server's jars
 * are those of the provided {@code org.neo4j:neo4j} dependency on this test class path. Classes are compared with
 * every third-party jar here (from the local Maven repository), which also holds the unrelocated originals of what
 * the plugin bundles, so a relocation dropped from the shade configuration shows up as a collision too. Resources
 * are compared with the jars that are not such originals: Kafka's {@code kafka/kafka-version.properties} and
 * {@code common/message/*.json} travel with the relocated classes, which read them under those paths.
 */
class ShadedJarIT {
    /** Where shade puts our own and the relocated classes (capture-plugin/pom.xml, relocations). */
    private static final List<String> OWN_PREFIXES = List.of("io/ha4neo/capture/", "io/ha4neo/schemas/",
            "io/ha4neo/shaded/");
    /** The libraries the shade configuration relocates, by their original package path. */
    private static final List<String> RELOCATED_ORIGINALS = List.of("org/apache/kafka/", "org/apache/avro/",
            "com/fasterxml/jackson/", "org/apache/commons/", "net/jpountz/", "io/prometheus/");
    private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/\\d+/");
    /**
     * Neo4j loads and reflects on every class of every jar in plugins/ at start-up, so each bundled class costs every
     * server start. About 5,800 today; raise this deliberately, with the reason, when the plugin's own code grows.
     */
    private static final int MAX_CLASSES = 6_000;
    /**
     * What the shade configuration leaves out on purpose (capture-plugin/pom.xml says why): Kafka's shaded
     * OpenTelemetry (client-metrics push, turned off), and commons-compress, -lang3, -io and -codec (Avro's container
     * file codecs, never used).
     */
    private static final List<String> LEFT_OUT = List.of("io/ha4neo/shaded/kafka/shaded/", "io/ha4neo/shaded/commons/");
    /**
     * The only classes that may fail to load the way Neo4j loads a plugin's classes, each for a class that ha4neo
     * never reaches: Kafka's client-metrics push (its OpenTelemetry classes are left out), Kafka's broker-side OAuth
     * token validation (needs jose4j, an optional dependency of kafka-clients) and Avro's container-file codecs.
     */
    private static final List<String> MAY_FAIL_TO_LOAD = List.of("io.ha4neo.shaded.kafka.common.telemetry.internals.",
            "io.ha4neo.shaded.kafka.common.security.oauthbearer.", "io.ha4neo.shaded.avro.file.");
    /** License texts: every library has them, nobody loads them as classes or configuration. */
    private static final Pattern LEGAL = Pattern.compile("^(LICENSE|NOTICE)(\\.txt)?$");

    private static Path pluginJar;
    private static List<String> pluginEntries;
    private static List<Path> thirdPartyJars;
    /** Class entry → the first third-party jar (class path, local repository) that holds it. */
    private static Map<String, String> thirdPartyClasses;
    /** Resource entry → the first third-party jar, not an original of a relocated library, that holds it. */
    private static Map<String, String> thirdPartyResources;

    @BeforeAll
    static void readJars() {
        pluginJar = Path.of(requiredProperty("ha4neo.pluginJar"));
        assertThat(pluginJar).as("the plugin jar: run this in failsafe, after package").isRegularFile();
        pluginEntries = entries(pluginJar);
        thirdPartyJars = thirdPartyJarsOnClassPath(Path.of(requiredProperty("ha4neo.localRepository")));
        thirdPartyClasses = new TreeMap<>();
        thirdPartyResources = new TreeMap<>();
        for (Path jar : thirdPartyJars) {
            List<String> entries = entries(jar);
            boolean relocatedOriginal = entries.stream().anyMatch(e -> e.endsWith(".class")
                    && RELOCATED_ORIGINALS.stream().anyMatch(unversioned(e)::startsWith));
            for (String entry : entries) {
                if (entry.endsWith(".class")) {
                    thirdPartyClasses.putIfAbsent(unversioned(entry), jar.getFileName().toString());
                } else if (!relocatedOriginal) {
                    thirdPartyResources.putIfAbsent(entry, jar.getFileName().toString());
                }
            }
        }
    }

    @Test
    void everyClassIsOursOrRelocatedUnderIoHa4neo() {
        List<String> foreign = classes().stream().map(ShadedJarIT::unversioned)
                .filter(c -> OWN_PREFIXES.stream().noneMatch(c::startsWith)).toList();

        assertThat(foreign).as("classes of %s outside %s: relocate them in capture-plugin/pom.xml (shade) or "
                + "exclude their artifact", pluginJar.getFileName(), OWN_PREFIXES).isEmpty();
    }

    @Test
    void bundlesNoNeo4jClassAndNoUnrelocatedLibrary() {
        List<String> originals = new ArrayList<>(RELOCATED_ORIGINALS);
        originals.add("org/neo4j/");
        originals.add("org/slf4j/");

        List<String> bundled = classes().stream()
                .filter(c -> originals.stream().anyMatch(unversioned(c)::startsWith)).toList();

        assertThat(bundled).as("classes of Neo4j or SLF4J (the server provides them) or unrelocated classes of a "
                + "relocated library").isEmpty();
        assertThat(classes()).as("the relocated Kafka client is bundled")
                .anyMatch(c -> c.startsWith("io/ha4neo/shaded/kafka/clients/producer/"));
    }

    @Test
    void noEntryCollidesWithAJarOfTheNeo4jServer() {
        assertThat(thirdPartyJars).as("Neo4j's jars on the test class path (org.neo4j:neo4j is provided)")
                .anyMatch(j -> j.getFileName().toString().startsWith("neo4j-kernel-"));
        assertThat(thirdPartyClasses).as("Neo4j's kernel classes were read")
                .containsKey("org/neo4j/kernel/extension/ExtensionFactory.class");

        Map<String, String> collisions = new TreeMap<>();
        for (String entry : pluginEntries) {
            if (entry.endsWith(".class")) {
                String owner = thirdPartyClasses.get(unversioned(entry));
                if (owner != null) {
                    collisions.put(entry, owner);
                }
            } else if (!entry.startsWith("META-INF/") && !LEGAL.matcher(entry).matches()
                    && thirdPartyResources.containsKey(entry)) {
                collisions.put(entry, thirdPartyResources.get(entry));
            }
        }

        assertThat(collisions).as("entries of %s that a jar on the server's class path holds too (entry → jar)",
                pluginJar.getFileName()).isEmpty();
    }

    @Test
    void everyServiceFileNamesAnInterfaceAndImplementationsThatExist() {
        List<String> services = pluginEntries.stream().filter(e -> e.startsWith("META-INF/services/")
                && !e.endsWith("/")).toList();
        assertThat(services).contains("META-INF/services/org.neo4j.kernel.extension.ExtensionFactory");

        for (String service : services) {
            String spi = classEntry(service.substring("META-INF/services/".length()));
            assertThat(pluginEntries.contains(spi) || thirdPartyClasses.containsKey(spi))
                    .as("%s: its interface is neither in the plugin jar nor on the server's class path", service)
                    .isTrue();
            assertThat(implementations(service)).as(service).isNotEmpty()
                    .allSatisfy(impl -> assertThat(pluginEntries).as("%s lists %s", service, impl)
                            .contains(classEntry(impl)));
        }
        assertThat(implementations("META-INF/services/org.neo4j.kernel.extension.ExtensionFactory"))
                .containsExactly(CaptureExtensionFactory.class.getName());
    }

    @Test
    void staysSmallBecauseNeo4jLoadsEveryClassOfAPluginAtStartUp() {
        assertThat(classes().size()).as("classes in %s: Neo4j loads all of them at every start; leave out what the "
                + "plugin never uses (capture-plugin/pom.xml) before raising MAX_CLASSES", pluginJar.getFileName())
                .isLessThanOrEqualTo(MAX_CLASSES);
        assertThat(pluginEntries).as("what the plugin never uses is left out (capture-plugin/pom.xml says why)")
                .noneMatch(e -> LEFT_OUT.stream().anyMatch(e::startsWith));
        assertThat(pluginEntries).as("native libraries: relocated classes can never bind to them")
                .noneMatch(e -> e.endsWith(".so") || e.endsWith(".dll") || e.endsWith(".dylib") || e.endsWith(".jnilib"));
    }

    /**
     * Loads the jar with Neo4j's own {@code ProcedureClassLoader}, as the server does for plugins/ at start-up, and
     * collects its "Failed to load" warnings (debug.log). The parent class loader holds the server's jars only, not
     * this module's classes, so every ha4neo class comes from the jar as it does in a server.
     */
    @Test
    void everyClassLoadsInNeo4jExceptListedOnesThePluginNeverReaches() throws Exception {
        List<String> warnings = new ArrayList<>();
        InternalLog log = (InternalLog) Proxy.newProxyInstance(InternalLog.class.getClassLoader(),
                new Class<?>[] {InternalLog.class}, (proxy, method, args) -> {
                    if (method.getName().equals("warn") && args != null && args.length == 2
                            && args[1] instanceof Object[] params && params.length > 0) {
                        warnings.add(String.valueOf(params[0]));
                    }
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
                });
        URL[] serverJars = thirdPartyJars.stream().map(ShadedJarIT::url).toArray(URL[]::new);
        // Package-private in Neo4j 5.26: the server calls it from ProcedureJarLoader, with its own class loader.
        Method setup = Class.forName("org.neo4j.procedure.impl.ProcedureClassLoader").getDeclaredMethod("setup",
                ClassLoader.class, Collection.class, InternalLog.class, boolean.class);
        setup.setAccessible(true);
        int loaded;
        try (URLClassLoader server = new URLClassLoader(serverJars, ClassLoader.getPlatformClassLoader())) {
            Object result = setup.invoke(null, server, List.of(pluginJar), log, false);
            loaded = ((List<?>) accessor(result, "loadedClasses").invoke(result)).size();
            ((AutoCloseable) accessor(result, "loader").invoke(result)).close();
        }

        assertThat(loaded).as("classes Neo4j loaded from the plugin jar").isGreaterThan(classes().size() / 2);
        assertThat(warnings).as("classes of %s that Neo4j fails to load (a library left out that the plugin needs?)",
                pluginJar.getFileName()).allMatch(c -> MAY_FAIL_TO_LOAD.stream().anyMatch(c::startsWith));
    }

    private static Method accessor(Object record, String name) throws NoSuchMethodException {
        Method m = record.getClass().getDeclaredMethod(name);
        m.setAccessible(true);
        return m;
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalArgumentException(jar.toString(), e);
        }
    }

    private static List<String> classes() {
        return pluginEntries.stream().filter(e -> e.endsWith(".class") && !e.endsWith("module-info.class")).toList();
    }

    /** {@code META-INF/versions/17/a/B.class} → {@code a/B.class}: versioned classes load under the plain name. */
    private static String unversioned(String entry) {
        return VERSIONED.matcher(entry).replaceFirst("");
    }

    private static String classEntry(String className) {
        return className.replace('.', '/') + ".class";
    }

    private static List<String> implementations(String serviceEntry) {
        try (JarFile jar = new JarFile(pluginJar.toFile());
             InputStream in = jar.getInputStream(jar.getEntry(serviceEntry))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(l -> l.replaceFirst("#.*", "").trim()).filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The jars of this JVM's class path that come from the local Maven repository, ha4neo's own excluded. */
    private static List<Path> thirdPartyJarsOnClassPath(Path localRepository) {
        Path repo = localRepository.toAbsolutePath().normalize();
        Path own = repo.resolve(Path.of("io", "ha4neo"));
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator)).map(p -> Path.of(p).toAbsolutePath().normalize())
                .filter(p -> p.startsWith(repo) && !p.startsWith(own) && p.toString().endsWith(".jar"))
                .filter(Files::isRegularFile).toList();
    }

    private static List<String> entries(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().filter(e -> !e.isDirectory()).map(JarEntry::getName).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property %s (set by capture-plugin/pom.xml for failsafe)", name).isNotBlank();
        return value;
    }
}
