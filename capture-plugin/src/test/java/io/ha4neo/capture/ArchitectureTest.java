package io.ha4neo.capture;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackages;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static io.ha4neo.arch.ArchitectureRules.APPLIER;
import static io.ha4neo.arch.ArchitectureRules.CAPTURE;
import static io.ha4neo.arch.ArchitectureRules.LAUNCHER;
import static io.ha4neo.arch.ArchitectureRules.NEO4J_KERNEL_INTERNALS;
import static io.ha4neo.arch.ArchitectureRules.TOPOLOGY;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import io.ha4neo.arch.ArchitectureRules;
import io.ha4neo.capture.mapping.SchemaChangeMapper;
import io.ha4neo.capture.standby.WriteGuard;
import java.util.HashSet;
import java.util.Set;

/**
 * Layering inside the plugin, checked on its byte code. The root package wires the subpackages together and
 * holds the kernel seam; the subpackages never read the root, except {@code procedures}: Neo4j instantiates
 * procedures outside the extension's object graph, so they look members up in {@link CaptureRegistry}.
 */
@AnalyzeClasses(packages = CAPTURE, importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /**
     * Root-package classes on the kernel seam by design: the extension factory, its lifecycle, the listener, and the
     * reader of the store's content for the log's baseline (the storage engine, before the database takes
     * transactions), and what the bootstrap procedures read from the kernel (a transaction's kernel transaction, the
     * highest ids handed out, the user schema), and the reader of Neo4j's own transaction log for repair (its log
     * store, transaction id store, record-storage commands and version; the contract is in {@code txlog}), and the
     * database's listener list and availability for the APOC trigger gate, and what a former primary's never-captured
     * commits did (the same log reader, and the store's element ids) for the undo of its divergent tail.
     */
    private static final Set<Class<?>> KERNEL_SEAM = Set.of(CaptureExtensionFactory.class, CaptureLifecycle.class,
            TransactionCapture.class, StoreContentReader.class, BootstrapKernelAccess.class,
            Neo4j526TransactionLogReader.class, StoreRepairView.class, LogRepair.class, DatabaseListenerRegistry.class,
            FreshTransactionData.class, UncapturedTailLog.class);

    /**
     * TODO(#10 item 6): subpackage classes that use kernel internals today, against the rule that only the root
     * package does: WriteGuard (standby; InternalTransactionEventListener, KernelTransaction and its transaction
     * state, index descriptors) and SchemaChangeMapper (mapping; KernelTransaction, ReadableTransactionState, the
     * schema descriptors). Move their kernel calls behind a root-package seam, then delete this list.
     */
    private static final Set<Class<?>> KERNEL_SEAM_EXCEPTIONS = Set.of(WriteGuard.class, SchemaChangeMapper.class);

    private static final Set<Class<?>> KERNEL_USERS = union(KERNEL_SEAM, KERNEL_SEAM_EXCEPTIONS);

    @ArchTest
    static final ArchRule packagesHaveNoCycleIncludingTheRootPackage =
            ArchitectureRules.packagesAreFreeOfCycles(CAPTURE);

    @ArchTest
    static final ArchRule dependsNeitherOnTheApplierNorOnTheOpsSide = ArchitectureRules.dependsOnNoneOf(CAPTURE,
            "capture-plugin and sink-applier never know each other, and the replication core never knows the ops CLI "
                    + "or the launcher", APPLIER + "..", TOPOLOGY + "..", LAUNCHER + "..");

    @ArchTest
    static final ArchRule internalPackagesAreUsedOnlyByTheirParent =
            ArchitectureRules.internalPackagesStayInternal(CAPTURE);

    @ArchTest
    static final ArchRule onlyTheKernelSeamUsesNeo4jKernelInternals =
            ArchitectureRules.onlyTheseClassesUse(CAPTURE, KERNEL_USERS, NEO4J_KERNEL_INTERNALS);

    @ArchTest
    static final ArchRule everyClassOnTheKernelSeamListStillUsesKernelInternals =
            ArchitectureRules.theseClassesStillUse(KERNEL_USERS, NEO4J_KERNEL_INTERNALS);

    @ArchTest
    static final ArchRule declaresNoCopyOfAContractName = ArchitectureRules.declaresNoCopyOfAContractName(CAPTURE);

    @ArchTest
    static final ArchRule onlyTheProceduresReadTheRootPackage = noClasses()
            .that().resideInAPackage(CAPTURE + "..").and().resideOutsideOfPackages(CAPTURE, CAPTURE + ".procedures..")
            .should().dependOnClassesThat().resideInAPackage(CAPTURE)
            .because("the root package wires the subpackages; only the procedures, which Neo4j instantiates on its "
                    + "own, look members up in CaptureRegistry");

    @ArchTest
    static final ArchRule statusIsALeaf = noClasses().that().resideInAPackage(CAPTURE + ".status..")
            .should().dependOnClassesThat(resideInAPackage(CAPTURE + "..")
                    .and(resideOutsideOfPackage(CAPTURE + ".status..")).as("are other capture classes"))
            .because("CaptureStatus is the snapshot that the other packages report into and read from");

    @ArchTest
    static final ArchRule metricsReadOnlyTheStatus = noClasses().that().resideInAPackage(CAPTURE + ".metrics..")
            .should().dependOnClassesThat(resideInAPackage(CAPTURE + "..")
                    .and(resideOutsideOfPackages(CAPTURE + ".metrics..", CAPTURE + ".status.."))
                    .as("are capture classes outside metrics and status"))
            .because("the metrics expose CaptureStatus and nothing else of the plugin");

    private static Set<Class<?>> union(Set<Class<?>> a, Set<Class<?>> b) {
        Set<Class<?>> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
