package io.ha4neo.topology;

import static io.ha4neo.arch.ArchitectureRules.APPLIER;
import static io.ha4neo.arch.ArchitectureRules.CAPTURE;
import static io.ha4neo.arch.ArchitectureRules.LAUNCHER;
import static io.ha4neo.arch.ArchitectureRules.TOPOLOGY;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ha4neo.arch.ArchitectureRules;

/**
 * Layering inside the ops side (cluster description, ops CLI), checked on its byte code: it talks to members over
 * Bolt and to Kafka through Admin, and never links the plugin, the applier, the launcher or the Neo4j server.
 */
@AnalyzeClasses(packages = TOPOLOGY, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycleIncludingTheRootPackage =
            ArchitectureRules.packagesAreFreeOfCycles(TOPOLOGY);

    @ArchTest
    static final ArchRule dependsOnNoneOfTheOtherModulesButSchemas = ArchitectureRules.dependsOnNoneOf(TOPOLOGY,
            "the ops CLI reads members through ha4neo.status() and metrics, and the launcher uses it, not the other "
                    + "way round", CAPTURE + "..", APPLIER + "..", LAUNCHER + "..");

    @ArchTest
    static final ArchRule usesTheBoltDriverNeverTheNeo4jServer = ArchitectureRules.dependsOnNoClassThat(TOPOLOGY,
            "the ops CLI reaches members over Bolt; the server's classes are not on its classpath",
            ArchitectureRules.neo4jServerClasses());

    @ArchTest
    static final ArchRule internalPackagesAreUsedOnlyByTheirParent =
            ArchitectureRules.internalPackagesStayInternal(TOPOLOGY);

    @ArchTest
    static final ArchRule declaresNoCopyOfAContractName = ArchitectureRules.declaresNoCopyOfAContractName(TOPOLOGY);
}
