package dev.arbiter.cli;

import dev.arbiter.Ports;
import dev.arbiter.Shutdown;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.ExtractionOption;
import dev.arbiter.cli.options.JudgeOptions;
import dev.arbiter.cli.options.SandboxOptions;
import dev.arbiter.cli.options.ShapingOption;
import dev.arbiter.cli.options.TestTimeoutOption;
import dev.arbiter.reward.AnswerIndex;
import dev.arbiter.reward.ItemDefaults;
import dev.arbiter.reward.RewardServer;
import dev.arbiter.reward.RewardServers;
import dev.arbiter.verify.code.CodeGrader;
import java.io.PrintWriter;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "reward-server", mixinStandardHelpOptions = true, sortOptions = false)
final class RewardServerCommand extends CommandBase {
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST") String host;
    @Option(names = "--port", defaultValue = "8080", paramLabel = "P") int port;
    @Option(names = "--token", paramLabel = "T") String token;
    @Option(names = "--queue", defaultValue = "65536", paramLabel = "N") int queue;
    @Option(names = "--max-body-mb", defaultValue = "32", paramLabel = "MB") int maxBodyMb;
    @Option(names = "--body-budget-mb", defaultValue = "128", paramLabel = "MB") int bodyBudgetMb;
    @Option(names = "--deadline-ms", defaultValue = "30000", paramLabel = "MS") long deadlineMs;
    @CommandLine.Mixin TestTimeoutOption timeout;
    @Option(names = "--grader", defaultValue = "livecodebench", paramLabel = "G") CodeGrader.Kind grader;
    @CommandLine.Mixin ShapingOption shaping;
    @Option(names = "--sandbox", defaultValue = "auto", paramLabel = "MODE") String sandboxMode;
    @CommandLine.Mixin SandboxOptions sandbox;
    @Option(names = "--answers", paramLabel = "BENCHMARK") List<String> answers = new ArrayList<>();
    @CommandLine.Mixin ExtractionOption extraction;
    @Option(names = "--unseparated", defaultValue = "refuse", paramLabel = "MODE") String unseparated;
    @Option(names = "--drain-s", defaultValue = "30", paramLabel = "S") int drainS;
    @CommandLine.Mixin DataOptions data;
    @CommandLine.Mixin JudgeOptions judge;

    @Override
    protected int run(CommandLine cl) throws Exception {
        var judgeSettings = judge.settings();
        RewardServers.SandboxMode mode;
        RewardServer.Config config;
        try {
            RewardServer.Unseparated split = RewardServer.Unseparated.parse(unseparated);
            mode = RewardServers.SandboxMode.parse(sandboxMode);
            config = new RewardServer.Config(host, port, token != null ? token : System.getenv("ARBITER_REWARD_TOKEN"),
                    Math.toIntExact((long) maxBodyMb << 20), (long) bodyBudgetMb << 20, queue,
                    new ItemDefaults(shaping.shaping(), Duration.ofMillis(deadlineMs), grader, timeout.seconds()), drainS, split);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
        Ports.requireFree(host, port, "--port");
        AnswerIndex index = RewardServers.answers(data.open(), answers, timeout.seconds());
        RewardServers.Running running;
        try {
            running = RewardServers.start(config, extraction.extraction(), mode, sandbox.config(), index, judgeSettings);
        } catch (BindException e) {
            throw new CommandLine.ParameterException(cl, "cannot listen on " + host + ":" + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = Shutdown.onShutdown("arbiter-reward-drain", running::close);
        PrintWriter err = cl.getErr();
        err.print(running.banner(config, index, answers));
        err.flush();
        stopped.await();
        return 0;
    }
}
