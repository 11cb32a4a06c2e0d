package io.ha4neo.applier;

import static io.ha4neo.arch.ArchitectureRules.APPLIER;
import static io.ha4neo.arch.ArchitectureRules.CAPTURE;
import static io.ha4neo.arch.ArchitectureRules.LAUNCHER;
import static io.ha4neo.arch.ArchitectureRules.TOPOLOGY;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ha4neo.arch.ArchitectureRules;

/** Layering inside the sink applier, checked on its byte code (the rules are in {@link ArchitectureRules}). */
@AnalyzeClasses(packages = APPLIER, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycleIncludingTheRootPackage =
            ArchitectureRules.packagesAreFreeOfCycles(APPLIER);

    @ArchTest
    static final ArchRule dependsNeitherOnTheCaptureNorOnTheOpsSide = ArchitectureRules.dependsOnNoneOf(APPLIER,
            "sink-applier and capture-plugin never know each other, and the replication core never knows the ops CLI "
                    + "or the launcher", CAPTURE + "..", TOPOLOGY + "..", LAUNCHER + "..");

    @ArchTest
    static final ArchRule internalPackagesAreUsedOnlyByTheirParent =
            ArchitectureRules.internalPackagesStayInternal(APPLIER);

    @ArchTest
    static final ArchRule declaresNoCopyOfAContractName = ArchitectureRules.declaresNoCopyOfAContractName(APPLIER);
}
