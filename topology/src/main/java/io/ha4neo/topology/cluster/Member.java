package io.ha4neo.topology.cluster;

import java.net.URI;
import java.util.List;

/**
 * One Neo4j server of a replication cluster. A member has no fixed role: roles move with switchover and failover,
 * so the ops CLI always asks the member itself ({@code CALL ha4neo.status()}).
 *
 * @param name unique within the cluster, used in every message ("member 'b' unreachable")
 * @param zone availability zone or data centre, empty when not given
 * @param bolt the member's own Bolt address ({@code bolt://host:7687}); the CLI talks to exactly this server
 * @param user the Neo4j user the CLI logs in as
 * @param password the user's password; {@link Secret#NONE} means authentication is off
 * @param applierMetrics URLs of the {@code /metrics} endpoints of the sink appliers that feed this member when it is
 *                       a standby (usually one; more when a passive applier stands by), empty when none is given;
 *                       {@code /ready} is read from the same host and port
 */
public record Member(String name, String zone, URI bolt, String user, Secret password, List<URI> applierMetrics) {
    /** The user Neo4j creates and the applier defaults to. */
    public static final String DEFAULT_USER = "neo4j";

    public Member {
        applierMetrics = applierMetrics == null ? List.of() : List.copyOf(applierMetrics);
    }

    /** A member with one applier endpoint, or none ({@code applierMetrics} null). */
    public Member(String name, String zone, URI bolt, String user, Secret password, URI applierMetrics) {
        this(name, zone, bolt, user, password, applierMetrics == null ? List.of() : List.of(applierMetrics));
    }

    /** "member 'b' (bolt://host:7687, zone z2)", for messages. */
    public String label() {
        return "member '" + name + "' (" + bolt + (zone.isEmpty() ? "" : ", zone " + zone) + ")";
    }
}
