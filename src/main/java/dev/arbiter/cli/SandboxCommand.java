package dev.arbiter.cli;

import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.Sandbox;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "sandbox", mixinStandardHelpOptions = true, subcommands = {SandboxCommand.Run.class})
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
}
