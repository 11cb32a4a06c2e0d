package io.ha4neo.capture.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ha4neo.schemas.event.BootstrapPhase;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.event.StoreContent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A whole run planned against a fake store: node ids with holes, relationships created while it runs. */
class EventPlannerTest {
    /** A store whose live ids are the given sets; the highest ids can grow while the run goes on. */
    private static final class FakeStore implements EventPlanner.Source {
        final Set<Long> nodes;
        final Set<Long> relationships;
        long highestNode;
        long highestRelationship;
        final List<String> reads = new ArrayList<>();

        FakeStore(Set<Long> nodes, long highestNode, Set<Long> relationships, long highestRelationship) {
            this.nodes = nodes;
            this.highestNode = highestNode;
            this.relationships = relationships;
            this.highestRelationship = highestRelationship;
        }

        @Override
        public long highestNodeId() {
            reads.add("highestNodeId");
            return highestNode;
        }

        @Override
        public long highestRelationshipId() {
            reads.add("highestRelationshipId");
            return highestRelationship;
        }

        @Override
        public ChunkReader.Chunk<NodeCreated> nodes(long fromId, long maxId, int limit) {
            return ChunkReader.scan(fromId, maxId, limit, id -> nodes.contains(id)
                    ? Optional.of(new NodeCreated("n" + id, List.of(), Map.of())) : Optional.empty());
        }

        @Override
        public ChunkReader.Chunk<RelationshipCreated> relationships(long fromId, long maxId, int limit) {
            return ChunkReader.scan(fromId, maxId, limit, id -> relationships.contains(id)
                    ? Optional.of(new RelationshipCreated(new RelationshipRef("r" + id, "T", "n0", "n1"), Map.of()))
                    : Optional.empty());
        }
    }

    private static List<EventPlanner.Planned> runToTheEnd(BootstrapProgress begun, FakeStore store) {
        List<EventPlanner.Planned> events = new ArrayList<>();
        BootstrapProgress p = begun;
        while (p.phase() != BootstrapPhase.END) {
            EventPlanner.Planned planned = EventPlanner.next(p, store);
            events.add(planned);
            p = planned.progress();
        }
        return events;
    }

    @Test
    void aRunSendsEveryEntityOnceInChunksNodesFirstAndEndsOnce() {
        FakeStore store = new FakeStore(Set.of(0L, 2L, 3L, 4L, 7L, 8L), 8, Set.of(0L, 1L, 2L), 2);
        BootstrapProgress begun = BootstrapProgress.begun("r", "s", "p", 0, 2, 8, new StoreContent(6, 3, 0, 0));

        List<EventPlanner.Planned> events = runToTheEnd(begun, store);

        assertThat(events).extracting(e -> e.attachment().mark().phase()).containsExactly(BootstrapPhase.NODES,
                BootstrapPhase.NODES, BootstrapPhase.NODES, BootstrapPhase.RELATIONSHIPS,
                BootstrapPhase.RELATIONSHIPS, BootstrapPhase.END);
        assertThat(events.stream().flatMap(e -> e.attachment().nodes().stream()).map(NodeCreated::key))
                .containsExactly("n0", "n2", "n3", "n4", "n7", "n8");
        assertThat(events.stream().flatMap(e -> e.attachment().relationships().stream()).map(r -> r.ref().key()))
                .containsExactly("r0", "r1", "r2");
        assertThat(events).allSatisfy(e -> assertThat(e.attachment().mark()).isEqualTo(e.progress().mark()));
        assertThat(events.get(events.size() - 1).attachment().mark().entitiesSent()).isEqualTo(9);
        assertThat(store.reads).containsExactly("highestNodeId", "highestRelationshipId");
    }

    @Test
    void nodesCreatedBeforeTheFirstChunkAndRelationshipsCreatedDuringTheNodePhaseAreInTheRanges() {
        // begun when the highest node id was 1; node 5 got its id after that read (maybe committing before the
        // begin), relationship 6 was created during the node phase
        BootstrapProgress begun = BootstrapProgress.begun("r", "s", "p", 0, 10, 1, new StoreContent(2, 1, 0, 0));
        FakeStore grown = new FakeStore(Set.of(0L, 1L, 5L), 5, Set.of(0L, 6L), 6);

        EventPlanner.Planned first = EventPlanner.next(begun, grown);
        assertThat(first.progress().maxNodeId()).isEqualTo(5);
        assertThat(first.attachment().nodes()).extracting(NodeCreated::key).containsExactly("n0", "n1", "n5");
        EventPlanner.Planned rels = EventPlanner.next(first.progress(), grown);
        assertThat(rels.progress().maxRelationshipId()).as("fixed at the first relationship chunk").isEqualTo(6);
        assertThat(rels.attachment().relationships()).extracting(r -> r.ref().key()).containsExactly("r0", "r6");
    }

    @Test
    void emptyRangesAreCrossedInOneCallAndAnEmptyStoreEndsAtOnce() {
        FakeStore empty = new FakeStore(Set.of(), -1, Set.of(), -1);
        BootstrapProgress begun = BootstrapProgress.begun("r", "s", "p", 0, 3, -1, StoreContent.EMPTY);

        EventPlanner.Planned end = EventPlanner.next(begun, empty);

        assertThat(end.attachment().mark().phase()).isEqualTo(BootstrapPhase.END);
        assertThat(end.attachment().nodes()).isEmpty();
        assertThat(end.progress().nextStep()).isEqualTo(BootstrapProgress.Step.DONE);
    }

    @Test
    void anEndedRunHasNoNextEvent() {
        BootstrapProgress ended = BootstrapProgress.begun("r9", "s", "p", 0, 3, -1, StoreContent.EMPTY)
                .withNodeRangeFixed(-1).withRelationshipRangeFixed(-1).ended();
        assertThatThrownBy(() -> EventPlanner.next(ended, new FakeStore(Set.of(), -1, Set.of(), -1)))
                .hasMessageContaining("bootstrap run r9 has ended already");
    }
}
