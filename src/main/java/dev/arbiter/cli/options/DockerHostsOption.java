package dev.arbiter.cli.options;

import dev.arbiter.sandbox.DockerHost;
import dev.arbiter.sandbox.SandboxException;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The Docker daemons the sandbox runs on: --docker-host, repeatable, over ARBITER_DOCKER_HOSTS and the local one. */
public final class DockerHostsOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--docker-host", paramLabel = "URI") List<String> dockerHosts;

    /** The hosts named on the command line, or {@code fallback} when none is. */
    public List<DockerHost> hosts(List<DockerHost> fallback) {
        if (dockerHosts == null || dockerHosts.isEmpty()) {
            return fallback;
        }
        try {
            return DockerHost.distinct(dockerHosts.stream().flatMap(h -> DockerHost.parseList(h).stream()).toList());
        } catch (SandboxException e) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--docker-host: " + e.getMessage());
        }
    }
}
