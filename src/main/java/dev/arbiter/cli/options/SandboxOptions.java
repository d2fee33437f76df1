package dev.arbiter.cli.options;

import dev.arbiter.sandbox.SandboxConfig;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The code sandbox's size, for the commands that run tests in it. */
public final class SandboxOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--containers", paramLabel = "N") Integer containers;
    @Option(names = "--polyglot", description = "Run code on the polyglot sandbox image, which adds C++, Java, Go, Rust, JavaScript "
            + "and Bash to Python (built by sandbox/build-offline.sh --polyglot). grade picks it by itself when a generation needs it.")
    boolean polyglot;
    @CommandLine.Mixin DockerHostsOption hosts;

    /** The default sandbox with --containers, --polyglot and --docker-host applied; fewer than one container is refused. */
    public SandboxConfig config() {
        SandboxConfig c = polyglot ? SandboxConfig.defaults().polyglot() : SandboxConfig.defaults();
        c = c.withHosts(hosts.hosts(c.hosts()));
        if (containers == null) {
            return c;
        }
        if (containers < 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--containers must be at least 1");
        }
        return c.withContainers(containers);
    }
}
