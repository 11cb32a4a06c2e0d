package io.ha4neo.it.standby;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds, at test time, a tiny plugin jar with one procedure that writes ({@code test.createNode(name)}), so the
 * standby's write guard can be shown to stop writes made by procedures, not only by Cypher.
 */
final class WritingProcedureJar {
    private static final String SOURCE = """
            package test;
            import java.util.stream.Stream;
            import org.neo4j.graphdb.Label;
            import org.neo4j.graphdb.Transaction;
            import org.neo4j.procedure.Context;
            import org.neo4j.procedure.Mode;
            import org.neo4j.procedure.Name;
            import org.neo4j.procedure.Procedure;
            public class WriteProc {
                @Context public Transaction tx;
                public static class Out { public String name; public Out(String n) { name = n; } }
                @Procedure(name = "test.createNode", mode = Mode.WRITE)
                public Stream<Out> createNode(@Name("name") String name) {
                    tx.createNode(Label.label("FromProcedure")).setProperty("name", name);
                    return Stream.of(new Out(name));
                }
            }
            """;

    private WritingProcedureJar() {
    }

    /** Compiles the procedure against the server's own jars and packs it into {@code dir/writing-procedure.jar}. */
    static Path build(Path neo4jLibDir, Path dir) throws IOException {
        Path src = dir.resolve("src/test/WriteProc.java");
        Path classes = dir.resolve("classes");
        Files.createDirectories(src.getParent());
        Files.createDirectories(classes);
        Files.writeString(src, SOURCE);
        String classpath;
        try (Stream<Path> jars = Files.list(neo4jLibDir)) {
            classpath = String.join(java.io.File.pathSeparator, jars.map(Path::toString).toList());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-cp", classpath, "-d", classes.toString(), src.toString());
        if (rc != 0) {
            throw new IllegalStateException("compiling the test procedure failed (javac exit " + rc + ")");
        }
        Path jar = dir.resolve("writing-procedure.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("test/WriteProc.class", "test/WriteProc$Out.class")) {
                out.putNextEntry(new JarEntry(name));
                out.write(Files.readAllBytes(classes.resolve(name)));
                out.closeEntry();
            }
        }
        return jar;
    }
}
