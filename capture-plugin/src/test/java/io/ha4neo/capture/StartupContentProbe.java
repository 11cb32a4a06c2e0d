package io.ha4neo.capture;

import io.ha4neo.schemas.event.StoreContent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.neo4j.kernel.extension.ExtensionFactory;
import org.neo4j.kernel.extension.ExtensionType;
import org.neo4j.kernel.extension.context.ExtensionContext;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.kernel.lifecycle.Lifecycle;
import org.neo4j.kernel.lifecycle.LifecycleAdapter;

/**
 * A database extension of the test class path (listed in the tests' own service file) that does what capture's first
 * start does, at the same moment: it reads the store's content from its {@code start()}, inside the database's
 * start-up, before the database accepts transactions. It records the reading per database name.
 */
public class StartupContentProbe extends ExtensionFactory<StartupContentProbe.Dependencies> {
    /** What the probe needs from the database. */
    public interface Dependencies {
        GraphDatabaseAPI database();
    }

    /** The reading of the last start of each database, by name. */
    static final Map<String, StoreContent> AT_LAST_START = new ConcurrentHashMap<>();

    public StartupContentProbe() {
        super(ExtensionType.DATABASE, "ha4neo-test-startup-content-probe");
    }

    @Override
    public Lifecycle newInstance(ExtensionContext context, Dependencies dependencies) {
        return new LifecycleAdapter() {
            @Override
            public void start() {
                GraphDatabaseAPI db = dependencies.database();
                AT_LAST_START.put(db.databaseName(), StoreContentReader.read(db));
            }
        };
    }
}
