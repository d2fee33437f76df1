package dev.arbiter.cli;

import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.Sandbox;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "sandbox",
        mixinStandardHelpOptions = true,
        description = "Run untrusted Python in a hardened Docker container.",
        subcommands = {SandboxCommand.Run.class},
        footer = {
            "",
            "The sandbox image must exist: `bash sandbox/build-offline.sh` builds it without a registry.",
            "Containers have no network, a read-only root, a 64 MiB tmpfs, our seccomp profile, and pids,",
            "memory and CPU ceilings. Each run is a fresh process as uid 10000 with no capabilities, in a",
            "fresh folder; whatever it leaves (processes, files, IPC objects) is removed before the next.",
            "",
            "Example:",
            "  arbiter sandbox run --code-file solve.py --stdin-file in.txt --timeout-ms 2000"
        })
final class SandboxCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "choose a subcommand: run");
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = {"Runs one Python program in the sandbox and prints a JSON result.",
                "Its fields: status, exit_code, signal, stdout, stderr, cpu_ms, wall_ms, max_rss_kb.",
                "Exit code 0 whatever the program did; 1 if the sandbox itself failed."})
    static final class Run extends CommandBase {
        @Option(names = "--code-file", required = true, paramLabel = "FILE", description = "Python source to run as __main__.")
        Path codeFile;

        @Option(names = "--stdin-file", paramLabel = "FILE", description = "Fed to the program's stdin (default: empty).")
        Path stdinFile;

        @Option(names = "--timeout-ms", paramLabel = "N", defaultValue = "10000", description = "Wall-clock limit (default: ${DEFAULT-VALUE}).")
        long timeoutMs;

        @Option(names = "--cpu-ms", paramLabel = "N", description = "CPU-time limit (default: the wall limit).")
        Long cpuMs;

        @Option(names = "--memory-mb", paramLabel = "M", defaultValue = "1024", description = "Address-space limit (default: ${DEFAULT-VALUE}).")
        int memoryMb;

        @Override
        public Integer call() {
            if (timeoutMs < 1 || memoryMb < 16 || (cpuMs != null && cpuMs < 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--timeout-ms and --cpu-ms must be at least 1, --memory-mb at least 16");
            }
            String code = dev.arbiter.run.InputFiles.read(codeFile);
            String stdin = stdinFile == null ? "" : dev.arbiter.run.InputFiles.read(stdinFile);
            Limits limits = Limits.DEFAULT.withWallMs(timeoutMs).withCpuMs(cpuMs == null ? timeoutMs : cpuMs).withMemoryMb(memoryMb);
            RunResult r = Sandbox.runOnce(code, stdin, limits);
            PrintWriter out = spec.commandLine().getOut();
            out.println(Json.pretty(r));
            out.flush();
            return r.status() == dev.arbiter.sandbox.RunStatus.SANDBOX_ERROR ? Errors.FAILURE : 0;
        }
    }
}
