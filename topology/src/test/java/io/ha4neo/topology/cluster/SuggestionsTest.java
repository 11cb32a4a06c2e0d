package io.ha4neo.topology.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void findsTheKnownNameBehindCommonMisspellings() {
        assertThat(Suggestions.closest("bolt_uri", ClusterFile.MEMBER_FIELDS)).contains("bolt");
        assertThat(Suggestions.closest("passwd", ClusterFile.MEMBER_FIELDS)).contains("password");
        assertThat(Suggestions.closest("Zone", ClusterFile.MEMBER_FIELDS)).contains("zone");
        assertThat(Suggestions.closest("applier_metrics_url", ClusterFile.MEMBER_FIELDS)).contains("applierMetrics");
        assertThat(Suggestions.closest("bootstrap.servers", ClusterFile.KAFKA_FIELDS)).contains("bootstrapServers");
        assertThat(Suggestions.closest("cluster_id", ClusterFile.TOP_FIELDS)).contains("clusterId");
    }

    @Test
    void suggestsNothingForAnUnrelatedName() {
        assertThat(Suggestions.closest("colour", ClusterFile.MEMBER_FIELDS)).isEmpty();
        assertThat(Suggestions.didYouMean("x", ClusterFile.TOP_FIELDS)).isEmpty();
    }
}
