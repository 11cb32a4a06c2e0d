package io.ha4neo.capture.repair;

import static org.assertj.core.api.Assertions.assertThat;

import io.ha4neo.capture.txlog.TouchedEntities;
import io.ha4neo.capture.txlog.TouchedTransaction;
import io.ha4neo.schemas.event.NodeCreated;
import io.ha4neo.schemas.event.NodeDeleted;
import io.ha4neo.schemas.event.RelationshipCreated;
import io.ha4neo.schemas.event.RelationshipRef;
import io.ha4neo.schemas.value.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepairPlannerTest {
    /** A store after the range: live nodes and relationships by id, keyed natively unless given a replicated key. */
    private static final class Store implements StoreView {
        final Map<Long, NodeCreated> nodes = new HashMap<>();
        final Map<Long, RelationshipCreated> relationships = new HashMap<>();

        Store node(long id, String key, String label) {
            nodes.put(id, new NodeCreated(key, List.of(label), Map.of("v", Value.of(id))));
            return this;
        }

        Store relationship(long id, String key, long start, long end) {
            relationships.put(id, new RelationshipCreated(new RelationshipRef(key, "R", nodes.get(start).key(),
                    nodes.get(end).key()), Map.of()));
            return this;
        }

        @Override
        public Optional<NodeCreated> node(long id) {
            return Optional.ofNullable(nodes.get(id));
        }

        @Override
        public Optional<RelationshipCreated> relationship(long id) {
            return Optional.ofNullable(relationships.get(id));
        }

        @Override
        public Optional<String> nodeKey(long id) {
            return node(id).map(NodeCreated::key);
        }

        @Override
        public String nodeElementId(long id) {
            return "4:db:" + id;
        }

        @Override
        public String relationshipElementId(long id) {
            return "5:db:" + id;
        }

        @Override
        public String relationshipTypeName(int typeId) {
            return "T" + typeId;
        }
    }

    private static TouchedEntities range(TouchedTransaction.Builder... commits) {
        return new TouchedEntities(commits.length == 0 ? 2 : 10, 10 + commits.length - 1,
                java.util.Arrays.stream(commits).map(TouchedTransaction.Builder::build).toList());
    }

    private static TouchedTransaction.Builder commit(long id) {
        return new TouchedTransaction.Builder(id, 0);
    }

    @Test
    void imagesEveryCreatedOrChangedEntityThatExistsNow() {
        Store now = new Store().node(1, "4:db:1", "A").node(2, "other-primary-key", "B").relationship(7, "5:db:7", 1, 2);
        RepairContent repair = RepairPlanner.plan(range(
                commit(10).nodeCreated(1).relationshipCreated(7, 1, 2, 0),
                commit(11).nodeProperties(2).relationshipProperties(7)), now);

        assertThat(repair.nodeImages()).containsExactly(now.nodes.get(1L), now.nodes.get(2L));
        assertThat(repair.relationshipImages()).containsExactly(now.relationships.get(7L));
        assertThat(repair.deletedNodes()).isEmpty();
        assertThat(repair.deletedRelationships()).isEmpty();
        assertThat(repair.transactions()).isEqualTo(2);
    }

    @Test
    void deletesWhatExistedBeforeTheRangeByItsKeyBeforeTheRange() {
        Store now = new Store().node(3, "4:db:3", "C");
        RepairContent repair = RepairPlanner.plan(range(
                commit(10).relationshipDeleted(8, 1, 3, 4).relationshipKeyRemoved(8, "replicated-rel")
                        .relationshipDeleted(9, 2, 3, 4),
                commit(11).nodeDeleted(1).nodeKeyRemoved(1, "replicated-node").nodeDeleted(2)), now);

        assertThat(repair.deletedNodes()).extracting(NodeDeleted::key).containsExactly("replicated-node", "4:db:2");
        assertThat(repair.deletedRelationships()).extracting(d -> d.ref()).containsExactly(
                new RelationshipRef("replicated-rel", "T4", "replicated-node", "4:db:3"),
                new RelationshipRef("5:db:9", "T4", "4:db:2", "4:db:3"));
        assertThat(repair.nodeImages()).as("node 3 was only relinked, never touched").isEmpty();
    }

    @Test
    void anEntityCreatedAndDeletedInsideTheRangeLeavesNothing() {
        RepairContent repair = RepairPlanner.plan(range(
                commit(10).nodeCreated(5).relationshipCreated(6, 5, 5, 0),
                commit(11).relationshipDeleted(6, 5, 5, 0).nodeDeleted(5)), new Store());

        assertThat(repair.deletedNodes()).isEmpty();
        assertThat(repair.deletedRelationships()).isEmpty();
        assertThat(repair.nodeImages()).isEmpty();
    }

    @Test
    void aReusedIdIsDeletedUnderItsOldKeyAndImagedUnderItsNewOne() {
        Store now = new Store().node(1, "4:db:1", "New");
        RepairContent repair = RepairPlanner.plan(range(
                commit(10).nodeDeleted(1).nodeKeyRemoved(1, "old-replicated"),
                commit(11).nodeCreated(1),
                commit(12).nodeDeleted(1), // the new node deleted again, then the id reused once more
                commit(13).nodeCreated(1)), now);

        assertThat(repair.deletedNodes()).extracting(NodeDeleted::key).containsExactly("old-replicated");
        assertThat(repair.nodeImages()).containsExactly(now.nodes.get(1L));
    }

    @Test
    void aNativeReusedIdKeepsItsKeyAndTheDeletionComesFirst() {
        Store now = new Store().node(1, "4:db:1", "New");
        RepairContent repair = RepairPlanner.plan(range(commit(10).nodeDeleted(1), commit(11).nodeCreated(1)), now);

        assertThat(repair.deletedNodes()).extracting(NodeDeleted::key).containsExactly("4:db:1");
        assertThat(repair.nodeImages()).extracting(NodeCreated::key).containsExactly("4:db:1");
    }

    @Test
    void tokenOnlyCommitsRepairToNothing() {
        RepairContent repair = RepairPlanner.plan(range(commit(10).token(), commit(11).token()), new Store());

        assertThat(repair.transactions()).isZero();
        assertThat(repair.nodeImages()).isEmpty();
        assertThat(repair.summary()).contains("commit ids 10..11");
    }
}
