package io.ha4neo.topology.cli;

import io.ha4neo.schemas.topology.TopicSpec;
import io.ha4neo.topology.cluster.ClusterClients;
import io.ha4neo.topology.cluster.ClusterDescription;
import io.ha4neo.topology.topic.TopicMismatch;
import io.ha4neo.topology.topic.TopicProvisioner;
import io.ha4neo.topology.topic.TopicReport;
import java.io.PrintWriter;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code ha4neo create-topics}: creates the cluster's replication topic with {@link TopicSpec}'s settings, or checks
 * the existing one and names each difference with its fix. Never alters an existing topic.
 */
@Command(name = "create-topics", mixinStandardHelpOptions = true,
        description = {"Creates the replication topic of the cluster file (1 partition, infinite retention, "
                + "min.insync.replicas = replication factor - 1, no unclean leader election). When it exists, checks "
                + "those settings instead and prints each mismatch with the command that fixes it; an existing topic "
                + "is never altered. Safe to run again.",
                "Exits 1 when the topic exists with a mismatch or Kafka refuses."},
        exitCodeListHeading = ExitCodes.HEADING,
        exitCodeList = {ExitCodes.OK_HELP, ExitCodes.UNHEALTHY_HELP, ExitCodes.USAGE_HELP})
final class CreateTopicsCommand extends OpsCommand {
    @Option(names = "--replication-factor", paramLabel = "<n>",
            description = "Replicas of the topic (default: kafka.replicationFactor of the cluster file, else 3).")
    private Integer replicationFactor;

    @Override
    protected int run(ClusterClients clients, PrintWriter out) {
        ClusterDescription cluster = clients.cluster();
        TopicSpec spec = TopicSpec.forReplicationFactor(replicationFactor(cluster));
        TopicReport report = new TopicProvisioner(clients.admin(), cluster.kafka().bootstrapServers(),
                clients.timeout()).ensure(cluster.topic(), spec);
        if (ops().json()) {
            out.println(OpsJson.write(report));
        } else {
            print(report, spec, out);
        }
        return report.mismatches().isEmpty() ? ExitCodes.OK : ExitCodes.UNHEALTHY;
    }

    private short replicationFactor(ClusterDescription cluster) {
        if (replicationFactor == null) {
            return cluster.kafka().replicationFactor();
        }
        if (replicationFactor < 1 || replicationFactor > 32) {
            throw new ParameterException(spec().commandLine(), "--replication-factor must be between 1 and 32, not "
                    + replicationFactor);
        }
        return replicationFactor.shortValue();
    }

    private static void print(TopicReport report, TopicSpec spec, PrintWriter out) {
        String shape = report.partitions() + " partition" + (report.partitions() == 1 ? "" : "s")
                + ", replication factor " + report.replicationFactor();
        if (report.mismatches().isEmpty()) {
            out.println((report.created() ? "created topic " + report.topic() + ": "
                    : "topic " + report.topic() + " exists and fits replication: ") + shape + ", "
                    + new TreeMap<>(spec.topicConfigs()));
            return;
        }
        out.println((report.created() ? "created topic " : "topic ") + report.topic() + " (" + shape + ") does not "
                + "fit replication: " + report.mismatches().size() + " mismatch"
                + (report.mismatches().size() == 1 ? "" : "es"));
        report.mismatches().stream().map(TopicMismatch::describe).forEach(m -> out.println("  - " + m));
    }
}
