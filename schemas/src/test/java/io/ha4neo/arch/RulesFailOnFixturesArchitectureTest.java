package io.ha4neo.arch;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each layering rule fails on a fixture with a deliberate violation (package {@code io.ha4neo.archfixture}), so
 * the modules' ArchitectureTests passing means something. The rules that need Kafka or Neo4j on the classpath
 * have their fixtures in capture-plugin ({@code CaptureRulesFailOnFixturesArchitectureTest}).
 */
class RulesFailOnFixturesArchitectureTest {
    private static final String FIXTURES = "io.ha4neo.archfixture";

    @Test
    void cycleRuleCatchesACycleThroughTheRootPackage() {
        String base = FIXTURES + ".cycle";
        JavaClasses classes = ArchitectureRules.fixtureClasses(base);

        EvaluationResult result = ArchitectureRules.packagesAreFreeOfCycles(base).evaluate(classes);

        assertThat(result.hasViolation()).as("cycle CycleRoot -> sub.CycleLeaf -> CycleRoot").isTrue();
        assertThat(details(result)).anySatisfy(d -> assertThat(d).contains("CycleRoot", "CycleLeaf"));
    }

    @Test
    void slicesOfSubpackagesAloneMissTheCycleThroughTheRootPackage() {
        // Why packagesAreFreeOfCycles assigns the root package a slice of its own: the usual one-liner passes.
        String base = FIXTURES + ".cycle";
        ArchRule usual = slices().matching(base + ".(*)..").should().beFreeOfCycles();

        assertThat(usual.evaluate(ArchitectureRules.fixtureClasses(base)).hasViolation()).isFalse();
    }

    @Test
    void internalRuleCatchesASiblingUsingAnInternalPackageAndAllowsTheParent() {
        String base = FIXTURES + ".internal";

        EvaluationResult result = ArchitectureRules.internalPackagesStayInternal(base)
                .evaluate(ArchitectureRules.fixtureClasses(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).isNotEmpty()
                .allSatisfy(d -> assertThat(d).contains("Intruder").doesNotContain("Owner.").doesNotContain("Helper"));
    }

    @Test
    void internalOwnerIsTheParentOfTheInnermostInternalSegment() {
        assertThat(ArchitectureRules.internalOwner("io.ha4neo.p.internal.q")).contains("io.ha4neo.p");
        assertThat(ArchitectureRules.internalOwner("io.ha4neo.p.internal.q.internal"))
                .contains("io.ha4neo.p.internal.q");
        assertThat(ArchitectureRules.internalOwner("io.ha4neo.p.internals")).isEmpty();
        assertThat(ArchitectureRules.internalOwner("org.neo4j.kernel.internal")).isEmpty();
    }

    @Test
    void contractCopyRuleCatchesAStatusColumnRedeclaredOutsideSchemas() {
        String base = FIXTURES + ".contractcopy";

        EvaluationResult result = ArchitectureRules.declaresNoCopyOfAContractName(base)
                .evaluate(ArchitectureRules.fixtureClasses(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).singleElement().asString().contains("APPLY_DELAY", "applyDelayMs");
    }

    @Test
    void contractNamesHoldTheDistinctiveNamesButNotThePlainWords() {
        assertThat(ArchitectureRules.contractNames())
                .contains("commitId", "appliedAtMillis", "lastPublishedId", "applyDelayMs")
                .doesNotContain("topic", "database", "epoch");
    }

    private static List<String> details(EvaluationResult result) {
        return result.getFailureReport().getDetails();
    }
}
