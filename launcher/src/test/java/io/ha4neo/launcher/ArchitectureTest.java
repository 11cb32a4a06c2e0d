package io.ha4neo.launcher;

import static io.ha4neo.arch.ArchitectureRules.APPLIER;
import static io.ha4neo.arch.ArchitectureRules.CAPTURE;
import static io.ha4neo.arch.ArchitectureRules.LAUNCHER;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ha4neo.arch.ArchitectureRules;

/** Layering inside the launcher, checked on its byte code (the rules are in {@link ArchitectureRules}). */
@AnalyzeClasses(packages = LAUNCHER, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    @ArchTest
    static final ArchRule packagesHaveNoCycleIncludingTheRootPackage =
            ArchitectureRules.packagesAreFreeOfCycles(LAUNCHER);

    @ArchTest
    static final ArchRule startsTheCoreAsProcessesNeverLinksIt = ArchitectureRules.dependsOnNoneOf(LAUNCHER,
            "the launcher starts capture-plugin and sink-applier as packaged artifacts (files) in their own "
                    + "processes", CAPTURE + "..", APPLIER + "..");

    @ArchTest
    static final ArchRule internalPackagesAreUsedOnlyByTheirParent =
            ArchitectureRules.internalPackagesStayInternal(LAUNCHER);

    @ArchTest
    static final ArchRule declaresNoCopyOfAContractName = ArchitectureRules.declaresNoCopyOfAContractName(LAUNCHER);
}
