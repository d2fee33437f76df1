package dev.arbiter.cli;

import dev.arbiter.cli.options.DockerHostsOption;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.DockerHost;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.sandbox.SandboxImage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "sandbox", mixinStandardHelpOptions = true, subcommands = {SandboxCommand.Run.class, SandboxCommand.Image.class})
final class SandboxCommand extends CommandGroup {
    @Command(name = "run", mixinStandardHelpOptions = true)
    static final class Run extends CommandBase {
        @Option(names = "--code-file", required = true, paramLabel = "FILE") Path codeFile;
        @Option(names = "--stdin-file", paramLabel = "FILE") Path stdinFile;
        @Option(names = "--timeout-ms", paramLabel = "N", defaultValue = "10000") long timeoutMs;
        @Option(names = "--cpu-ms", paramLabel = "N") Long cpuMs;
        @Option(names = "--memory-mb", paramLabel = "M", defaultValue = "1024") int memoryMb;

        @Override
        protected int run(CommandLine cl) {
            if (timeoutMs < 1 || memoryMb < 16 || (cpuMs != null && cpuMs < 1)) {
                throw new CommandLine.ParameterException(cl,
                        "--timeout-ms and --cpu-ms must be at least 1, --memory-mb at least 16");
            }
            String code = dev.arbiter.run.InputFiles.read(codeFile);
            String stdin = stdinFile == null ? "" : dev.arbiter.run.InputFiles.read(stdinFile);
            Limits limits = Limits.DEFAULT.withWallMs(timeoutMs).withCpuMs(cpuMs == null ? timeoutMs : cpuMs).withMemoryMb(memoryMb);
            RunResult r = Sandbox.runOnce(code, stdin, limits);
            PrintWriter out = cl.getOut();
            out.println(Json.pretty(r));
            out.flush();
            return r.status() == dev.arbiter.sandbox.RunStatus.SANDBOX_ERROR ? Errors.FAILURE : 0;
        }
    }

    @Command(name = "image", mixinStandardHelpOptions = true)
    static final class Image extends CommandBase {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1") Action action;
        @CommandLine.Mixin DockerHostsOption hosts;
        @Option(names = "--image", paramLabel = "NAME") String image;

        static final class Action {
            @Option(names = "--save", paramLabel = "FILE") Path save;
            @Option(names = "--load", paramLabel = "FILE") Path load;
        }

        @Override
        protected int run(CommandLine cl) {
            SandboxConfig defaults = SandboxConfig.defaults();
            String name = image == null ? defaults.image() : image;
            List<DockerHost> on = hosts.hosts(defaults.hosts());
            PrintWriter out = cl.getOut();
            if (action.save != null) {
                if (on.size() > 1) {
                    throw new CommandLine.ParameterException(cl, "--save reads the image from one Docker host; name at most one --docker-host");
                }
                long bytes = SandboxImage.save(on.getFirst(), name, action.save);
                out.printf("wrote %s from %s to %s (%.1f MiB)%n", name, on.getFirst(), action.save, bytes / 1048576.0);
                out.flush();
                return 0;
            }
            List<SandboxImage.Loaded> loaded = SandboxImage.load(action.load, name, on);
            for (SandboxImage.Loaded l : loaded) {
                out.println(l.failure() == null ? "loaded " + name + " into " + l.host() : "failed on " + l.host() + ": " + l.failure());
            }
            out.flush();
            return loaded.stream().allMatch(l -> l.failure() == null) ? 0 : Errors.FAILURE;
        }
    }
}
