package io.ha4neo.arch;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import io.ha4neo.schemas.contract.StatusColumns;
import io.ha4neo.schemas.contract.WatermarkNode;
import java.lang.reflect.Field;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The layering rules below module level, one builder per kind of rule. Each builder takes the package it
 * guards, so that the same rule runs against a module's production classes (its {@code ArchitectureTest})
 * and against a fixture with a deliberate violation ({@code RulesFailOnFixturesArchitectureTest}), which
 * proves that the rule can fail.
 *
 * <p>Lives in schemas' test jar ({@code io.ha4neo:schemas:test-jar}), which the other modules use in test
 * scope. No production rule scans {@code io.ha4neo.arch} or {@code io.ha4neo.archfixture}.
 */
public final class ArchitectureRules {
    /** The package every ha4neo class lives under. */
    public static final String PROJECT = "io.ha4neo";
    public static final String SCHEMAS = PROJECT + ".schemas";
    public static final String CAPTURE = PROJECT + ".capture";
    public static final String APPLIER = PROJECT + ".applier";
    public static final String TOPOLOGY = PROJECT + ".topology";
    public static final String LAUNCHER = PROJECT + ".launcher";

    /** Neo4j's kernel internals, as opposed to its public embedded API ({@code org.neo4j.graphdb..} …). */
    public static final String[] NEO4J_KERNEL_INTERNALS = {"org.neo4j.kernel..", "org.neo4j.storageengine..",
        "org.neo4j.internal.."};

    /**
     * Contract names that are also ordinary words in vocabularies of their own (configuration keys, cluster-file
     * fields, JSON fields): a constant {@code "topic"} in {@code ApplierConfig} names a configuration
     * key, not the watermark property. The contract-copy rule leaves them out to stay free of false alarms.
     */
    private static final Set<String> PLAIN_WORDS = Set.of("database", "topic", "epoch", "role", "partition",
            "offset", "gaps", "durability", "clusterId");

    private ArchitectureRules() {
    }

    /** Every class under {@code fixturePackage}, from the test classpath: the input of a fixture test. */
    public static JavaClasses fixtureClasses(String fixturePackage) {
        return new ClassFileImporter().importPackages(fixturePackage);
    }

    /**
     * No package cycle inside {@code basePackage}. Each top-level subpackage ({@code base.x..}) is one slice, and
     * so is the base package itself: {@code slices().matching("base.(*)..")} would leave the root package out
     * and miss a cycle root → {@code x} → root.
     */
    public static ArchRule packagesAreFreeOfCycles(String basePackage) {
        return slices().assignedFrom(rootAndTopLevelPackagesOf(basePackage)).should().beFreeOfCycles()
                .because("a package cycle makes the packages one unit that can only be understood, tested and "
                        + "moved together");
    }

    /**
     * The contract module knows no producer or consumer: no class under {@code contractPackage} uses Kafka,
     * Neo4j, or any other ha4neo package (the other modules depend on the contract, never the other way).
     */
    public static ArchRule contractKnowsNoProducerOrConsumer(String contractPackage) {
        DescribedPredicate<JavaClass> otherProjectPackage = resideInAPackage(PROJECT + "..")
                .and(resideOutsideOfPackage(contractPackage + ".."))
                .as("reside in an ha4neo package outside " + contractPackage);
        return noClasses().that().resideInAPackage(contractPackage + "..")
                .should().dependOnClassesThat(resideInAnyPackage("org.apache.kafka..", "org.neo4j..")
                        .or(otherProjectPackage))
                .because("schemas is the contract between capture-plugin and the applier and ops tools: it "
                        + "must not know Kafka clients, Neo4j or any module that uses it");
    }

    /** No class under {@code basePackage} depends on a class in any of {@code forbiddenPackages}. */
    public static ArchRule dependsOnNoneOf(String basePackage, String reason, String... forbiddenPackages) {
        return dependsOnNoClassThat(basePackage, reason, resideInAnyPackage(forbiddenPackages));
    }

    /** No class under {@code basePackage} depends on a class that {@code forbidden} accepts. */
    public static ArchRule dependsOnNoClassThat(String basePackage, String reason,
                                                DescribedPredicate<? super JavaClass> forbidden) {
        return noClasses().that().resideInAPackage(basePackage + "..")
                .should().dependOnClassesThat(forbidden).because(reason);
    }

    /** Classes of the Neo4j server: anything under {@code org.neo4j} except the Bolt driver's API. */
    public static DescribedPredicate<JavaClass> neo4jServerClasses() {
        return resideInAPackage("org.neo4j..").and(resideOutsideOfPackage("org.neo4j.driver.."))
                .as("are Neo4j server classes (org.neo4j.. except the driver, org.neo4j.driver..)");
    }

    /**
     * {@code ..internal..} packages stay internal: a class in {@code io.ha4neo.p.internal..} is used only from
     * {@code io.ha4neo.p} itself or from inside {@code io.ha4neo.p.internal..}, never from a sibling or from
     * another module. Checked on the using side, so a module's test also catches its use of another module's
     * internals. (No ha4neo package is named {@code internal} today; the rule holds the line for later ones.)
     */
    public static ArchRule internalPackagesStayInternal(String basePackage) {
        return classes().that().resideInAPackage(basePackage + "..").should(useInternalsOfTheirOwnPackageOnly())
                .because("an internal package is an implementation detail of its parent package");
    }

    /**
     * Only {@code allowed} (and their nested classes) among the classes under {@code basePackage} may use
     * classes in {@code packages}: a new user of those packages must be added to the list on purpose.
     */
    public static ArchRule onlyTheseClassesUse(String basePackage, Set<Class<?>> allowed, String... packages) {
        return noClasses().that().resideInAPackage(basePackage + "..").and(not(belongToAnyOf(allowed)))
                .should().dependOnClassesThat().resideInAnyPackage(packages)
                .because("the classes that may use " + String.join(", ", packages) + " are listed explicitly");
    }

    /**
     * The other half of {@link #onlyTheseClassesUse}: every listed class itself (not counting its nested classes)
     * still uses {@code packages}, so that the list shrinks when a class stops needing them instead of silently
     * allowing a later use.
     */
    public static ArchRule theseClassesStillUse(Set<Class<?>> allowed, String... packages) {
        return classes().that(areAnyOf(allowed)).should().dependOnClassesThat().resideInAnyPackage(packages)
                .because("a listed class that no longer uses " + String.join(", ", packages)
                        + " must leave the list");
    }

    /**
     * No class under {@code basePackage} declares a {@code static final String} equal to a watermark property or
     * a status column ({@link #contractNames()}): a name that lives in two modules is declared once, in schemas,
     * and used from there. Only constants are checked: javac copies a referenced constant into the using class, so
     * a literal in the byte code cannot be told from a use of the schemas constant. For the same reason an alias
     * ({@code static final String C = WatermarkNode.COMMIT_ID}) counts as a copy: use the schemas constant itself.
     */
    public static ArchRule declaresNoCopyOfAContractName(String basePackage) {
        Set<String> names = contractNames();
        return fields().that().areDeclaredInClassesThat().resideInAPackage(basePackage + "..")
                .and().areStatic().and().areFinal().and().haveRawType(String.class)
                .should(notHoldAnyOf(names))
                .because("the watermark node's properties and the ha4neo.status() columns are declared once, in "
                        + WatermarkNode.class.getName() + " and " + StatusColumns.class.getName())
                .allowEmptyShould(true);
    }

    /**
     * The distinctive names of the contract that modules read by name: the watermark node's properties
     * ({@link WatermarkNode}) and the status columns ({@link StatusColumns}), except the plain words that other
     * vocabularies use too.
     */
    public static Set<String> contractNames() {
        return Stream.of(List.of(WatermarkNode.DATABASE), WatermarkNode.PROPERTIES, StatusColumns.ALL)
                .flatMap(List::stream)
                .filter(name -> !PLAIN_WORDS.contains(name))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Slices: the base package itself, and each of its top-level subpackages with everything below it. */
    static SliceAssignment rootAndTopLevelPackagesOf(String basePackage) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                if (pkg.equals(basePackage)) {
                    return SliceIdentifier.of(basePackage);
                }
                if (!pkg.startsWith(basePackage + ".")) {
                    return SliceIdentifier.ignore();
                }
                String below = pkg.substring(basePackage.length() + 1);
                int dot = below.indexOf('.');
                return SliceIdentifier.of(basePackage + "." + (dot < 0 ? below : below.substring(0, dot)));
            }

            @Override
            public String getDescription() {
                return "the package " + basePackage + " and each of its top-level subpackages";
            }
        };
    }

    /** Classes that are one of {@code classes} or nested (at any depth) in one of them. */
    static DescribedPredicate<JavaClass> belongToAnyOf(Set<Class<?>> classes) {
        Set<String> names = classes.stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        return describe("belong to any of " + names, c -> names.contains(outermost(c).getName()));
    }

    /** Exactly the classes {@code classes}, without their nested classes. */
    static DescribedPredicate<JavaClass> areAnyOf(Set<Class<?>> classes) {
        Set<String> names = classes.stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        return describe("are any of " + names, c -> names.contains(c.getName()));
    }

    private static JavaClass outermost(JavaClass javaClass) {
        JavaClass c = javaClass;
        while (c.getEnclosingClass().isPresent()) {
            c = c.getEnclosingClass().get();
        }
        return c;
    }

    private static ArchCondition<JavaClass> useInternalsOfTheirOwnPackageOnly() {
        return new ArchCondition<>("use classes of an " + PROJECT + "..internal.. package only from that "
                + "package's parent package or from inside it") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    Optional<String> owner = internalOwner(d.getTargetClass().getPackageName());
                    if (owner.isPresent() && !mayUseInternalsOf(origin.getPackageName(), owner.get())) {
                        events.add(SimpleConditionEvent.violated(d, d.getDescription() + ": only " + owner.get()
                                + " and " + owner.get() + ".internal.. may use " + owner.get() + ".internal.."));
                    }
                }
            }
        };
    }

    /**
     * The package that owns the innermost {@code internal} segment of an ha4neo package name:
     * {@code io.ha4neo.p.internal.q} → {@code io.ha4neo.p}; empty when the package is not internal.
     */
    static Optional<String> internalOwner(String pkg) {
        if (!pkg.startsWith(PROJECT + ".")) {
            return Optional.empty();
        }
        List<String> segments = List.of(pkg.split("\\."));
        int at = segments.lastIndexOf("internal");
        return at < 0 ? Optional.empty() : Optional.of(String.join(".", segments.subList(0, at)));
    }

    private static boolean mayUseInternalsOf(String originPackage, String owner) {
        String internal = owner + ".internal";
        return originPackage.equals(owner) || originPackage.equals(internal)
                || originPackage.startsWith(internal + ".");
    }

    private static ArchCondition<JavaField> notHoldAnyOf(Set<String> names) {
        return new ArchCondition<>("not hold a name of the contract") {
            @Override
            public void check(JavaField field, ConditionEvents events) {
                Object value = staticValue(field.reflect());
                if (value instanceof String s && names.contains(s)) {
                    events.add(SimpleConditionEvent.violated(field, field.getFullName() + " = \"" + s
                            + "\" copies a contract name: use the constant in " + SCHEMAS + " instead"));
                }
            }
        };
    }

    /** The value of a static field (this initialises its class, which static final constants need anyway). */
    private static Object staticValue(Field field) {
        try {
            field.setAccessible(true);
            return field.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("cannot read " + field + ": " + e, e);
        }
    }
}
