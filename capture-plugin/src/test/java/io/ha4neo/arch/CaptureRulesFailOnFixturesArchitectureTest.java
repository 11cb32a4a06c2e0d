package io.ha4neo.arch;

import static io.ha4neo.arch.ArchitectureRules.NEO4J_KERNEL_INTERNALS;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.lang.EvaluationResult;
import io.ha4neo.archfixture.kernel.KernelSeam;
import io.ha4neo.archfixture.kernel.RetiredSeam;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The layering rules that need Kafka or Neo4j classes fail on fixtures with a deliberate violation (package
 * {@code io.ha4neo.archfixture}, in this module's test classes). They live here because capture-plugin is the one
 * module with Kafka, the Neo4j server and the Bolt driver on its test classpath; the other rules are proved in
 * schemas ({@code RulesFailOnFixturesArchitectureTest}).
 */
class CaptureRulesFailOnFixturesArchitectureTest {
    private static final String FIXTURES = "io.ha4neo.archfixture";

    @Test
    void contractRuleCatchesSchemasLikeClassesUsingKafkaNeo4jOrAnotherModule() {
        String base = FIXTURES + ".contract";

        EvaluationResult result = ArchitectureRules.contractKnowsNoProducerOrConsumer(base).evaluate(classes(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result))
                .anySatisfy(d -> assertThat(d).contains("KafkaEvent", "org.apache.kafka.common.TopicPartition"))
                .anySatisfy(d -> assertThat(d).contains("Neo4jEvent", "org.neo4j.graphdb.Node"))
                .anySatisfy(d -> assertThat(d).contains("CoupledEvent", "io.ha4neo.archfixture.ops.DriverProbe"))
                .noneSatisfy(d -> assertThat(d).contains("CleanEvent"));
    }

    @Test
    void directionRuleCatchesADependencyOnAForbiddenPackage() {
        String base = FIXTURES + ".contract";

        EvaluationResult result = ArchitectureRules.dependsOnNoneOf(base, "fixture", "org.apache.kafka..")
                .evaluate(classes(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).isNotEmpty().allSatisfy(d -> assertThat(d).contains("KafkaEvent"));
    }

    @Test
    void opsRuleCatchesTheNeo4jServerAndAllowsTheDriver() {
        String base = FIXTURES + ".ops";

        EvaluationResult result = ArchitectureRules
                .dependsOnNoClassThat(base, "fixture", ArchitectureRules.neo4jServerClasses()).evaluate(classes(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).isNotEmpty()
                .allSatisfy(d -> assertThat(d).contains("ServerProbe").doesNotContain("DriverProbe"));
    }

    @Test
    void kernelRuleCatchesAnUnlistedClassUsingKernelInternals() {
        String base = FIXTURES + ".kernel";

        EvaluationResult result = ArchitectureRules
                .onlyTheseClassesUse(base, Set.of(KernelSeam.class), NEO4J_KERNEL_INTERNALS).evaluate(classes(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).isNotEmpty().allSatisfy(d -> assertThat(d)
                .contains("KernelLeak", "org.neo4j.storageengine.api.TransactionIdStore").doesNotContain("KernelSeam"));
    }

    @Test
    void kernelListCatchesAListedClassThatNoLongerUsesKernelInternals() {
        String base = FIXTURES + ".kernel";

        EvaluationResult result = ArchitectureRules
                .theseClassesStillUse(Set.of(KernelSeam.class, RetiredSeam.class), NEO4J_KERNEL_INTERNALS)
                .evaluate(classes(base));

        assertThat(result.hasViolation()).isTrue();
        assertThat(details(result)).isNotEmpty()
                .allSatisfy(d -> assertThat(d).contains("RetiredSeam").doesNotContain("KernelSeam"));
    }

    private static JavaClasses classes(String fixturePackage) {
        return ArchitectureRules.fixtureClasses(fixturePackage);
    }

    private static List<String> details(EvaluationResult result) {
        return result.getFailureReport().getDetails();
    }
}
