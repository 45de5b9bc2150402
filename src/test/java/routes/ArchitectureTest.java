package routes;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape of the code (ARCHITECTURE.md): parts whose imports run one way, from Boot down to Infra, no cycle
 * between any two packages, and Camel and Vert.x kept out of the domain.
 */
@AnalyzeClasses(packages = "routes", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The packages that hold the service's rules and data: no framework types, so they read and test alone. */
    static final String[] DOMAIN = {"routes.job..", "routes.project..", "routes.document..", "routes.processing..",
        "routes.source..", "routes.storage..", "routes.db..", "routes.failure..", "routes.search.."};

    @ArchTest
    static final ArchRule noCyclesBetweenPackages = slices().matching("routes.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule importsRunDownwards = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Boot").definedBy("routes", "routes.config..")
            .layer("Metrics").definedBy("routes.metrics..")
            .layer("Http").definedBy("routes.api..", "routes.stream..")
            .layer("Watch").definedBy("routes.watch..")
            .layer("Jobs").definedBy("routes.job..", "routes.project..")
            .layer("Documents").definedBy("routes.document..")
            // retrieval: the model, the vectors, keyword and vector search; beside Content, below Work and the doors
            .layer("Search").definedBy("routes.search..")
            .layer("Work").definedBy("routes.processing..")
            .layer("Sources").definedBy("routes.source..")
            .layer("Storage").definedBy("routes.storage..")
            // Ground (ARCHITECTURE.md): the database, the broker, the dependencies' health and outage logs, the errors
            .layer("Infra").definedBy("routes.db..", "routes.messaging..", "routes.health..", "routes.failure..")
            .whereLayer("Boot").mayNotBeAccessedByAnyLayer()
            .whereLayer("Metrics").mayOnlyBeAccessedByLayers("Boot")
            .whereLayer("Http").mayOnlyBeAccessedByLayers("Boot", "Metrics")
            .whereLayer("Watch").mayOnlyBeAccessedByLayers("Boot")
            .whereLayer("Work").mayOnlyBeAccessedByLayers("Boot", "Metrics")
            .whereLayer("Jobs").mayOnlyBeAccessedByLayers("Boot", "Metrics", "Http", "Watch", "Work")
            .whereLayer("Documents").mayOnlyBeAccessedByLayers("Boot", "Http", "Work", "Search")
            .whereLayer("Search").mayOnlyBeAccessedByLayers("Boot", "Metrics", "Http", "Work")
            .whereLayer("Sources").mayOnlyBeAccessedByLayers("Boot", "Http", "Work")
            .whereLayer("Storage").mayOnlyBeAccessedByLayers("Boot", "Http", "Watch", "Jobs", "Work", "Sources",
                    "Documents", "Search")
            .whereLayer("Infra").mayOnlyBeAccessedByLayers("Boot", "Http", "Watch", "Jobs", "Documents", "Work",
                    "Sources", "Storage", "Search");

    @ArchTest
    static final ArchRule noCamelOrVertxInTheDomain = noClasses().that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("org.apache.camel..", "io.vertx..");

    @ArchTest
    static final ArchRule vertxOnlyInTheHttpAdapters = noClasses().that()
            .resideOutsideOfPackages("routes.api..", "routes.stream..")
            .and().resideInAnyPackage("routes..")
            .should().dependOnClassesThat().resideInAnyPackage("io.vertx..");
}
