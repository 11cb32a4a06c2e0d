package io.ha4neo.schemas;

import static io.ha4neo.arch.ArchitectureRules.SCHEMAS;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ha4neo.arch.ArchitectureRules;

/**
 * Layering inside the contract module, checked on its byte code (the enforcer's bannedDependencies in the pom
 * checks the Maven dependencies; this checks what the classes actually use, including through a dependency
 * that arrives transitively).
 */
@AnalyzeClasses(packages = SCHEMAS, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycleIncludingTheRootPackage =
            ArchitectureRules.packagesAreFreeOfCycles(SCHEMAS);

    @ArchTest
    static final ArchRule contractKnowsNoKafkaNoNeo4jAndNoOtherModule =
            ArchitectureRules.contractKnowsNoProducerOrConsumer(SCHEMAS);

    @ArchTest
    static final ArchRule internalPackagesAreUsedOnlyByTheirParent =
            ArchitectureRules.internalPackagesStayInternal(SCHEMAS);
}
