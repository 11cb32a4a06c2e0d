package io.ha4neo.capture.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.schemas.event.BootstrapMark;
import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.SchemaChange;
import io.ha4neo.schemas.event.StoreContent;
import io.ha4neo.schemas.event.TransactionEvent;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CapturedChangesTest {
    private static final StoreContent TOTALS = new StoreContent(1, 0, 1, 0);

    @Test
    void aTransactionWithABootstrapMarkIsNeverEmptyAndItsEventCarriesMarkSchemaAndImages() {
        CapturedChanges begin = new CapturedChanges();
        assertThat(begin.isEmpty()).isTrue();
        BootstrapMark mark = new BootstrapMark("r", "s", BootstrapPhase.BEGIN, "p", TOTALS, 0, 0);
        SchemaChange index = new SchemaChange(SchemaChange.Operation.CREATE, SchemaChange.Kind.INDEX, "i",
                "CREATE INDEX `i` IF NOT EXISTS FOR (n:`A`) ON (n.`x`)");
        begin.attachBootstrap(mark, List.of(index), List.of(), List.of());

        assertThat(begin.isEmpty()).isFalse();
        assertThat(begin.isBootstrap()).isTrue();
        TransactionEvent e = begin.toEvent(9, 8, 1_000, "c", 0, "neo4j");
        assertThat(e.bootstrap()).isEqualTo(mark);
        assertThat(e.schemaChanges()).containsExactly(index);
    }

    @Test
    void aNodeChunksEventCarriesItsImages() {
        CapturedChanges chunk = new CapturedChanges();
        NodeCreated image = new NodeCreated("k", List.of("A"), Map.of());
        chunk.attachBootstrap(new BootstrapMark("r", "s", BootstrapPhase.NODES, "p", TOTALS, 1, 0), List.of(),
                List.of(image), List.of());
        TransactionEvent e = chunk.toEvent(10, 9, 1_000, "c", 0, "neo4j");
        assertThat(e.bootstrapNodes()).containsExactly(image);
        assertThat(e.createdNodes()).isEmpty();
    }
}
