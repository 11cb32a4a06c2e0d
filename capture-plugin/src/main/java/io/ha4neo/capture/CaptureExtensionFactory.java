package io.ha4neo.capture;

import org.neo4j.annotations.service.ServiceProvider;
import org.neo4j.configuration.Config;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.logging.internal.LogService;

/**
 * Entry point Neo4j discovers through {@code META-INF/services/org.neo4j.kernel.extension.ExtensionFactory}.
 *
 * <p>It is a DATABASE-scoped extension: Neo4j creates one instance per database while that database
 * starts. On 5.26 a GLOBAL extension starts after the databases and would miss a fresh store's first
 * transactions; on 2025.x the database does not exist yet when GLOBAL extensions start. Registering from
 * the database's own lifecycle sees every transaction on both.
 */
@ServiceProvider
public class CaptureExtensionFactory extends ExtensionFactory<CaptureExtensionFactory.Dependencies> {
    /** What the extension needs from the database's dependency resolver. */
    public interface Dependencies {
        GraphDatabaseAPI database();

        DatabaseManagementService databaseManagementService();

        LogService logService();

        Config config();
    }

    public CaptureExtensionFactory() {
        super(ExtensionType.DATABASE, "ha4neo-capture");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new CaptureLifecycle(dependencies.database(), dependencies.databaseManagementService(),
                dependencies.logService(), dependencies.config());
    }
}
