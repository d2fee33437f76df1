package dev.arbiter.cli;

import dev.arbiter.Ports;
import dev.arbiter.Shutdown;
import dev.arbiter.cli.options.DataOptions;
import dev.arbiter.cli.options.ExtractionOption;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "reward-server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves Arbiter's verifiers as RL outcome rewards over HTTP: the verdicts the leaderboard uses, at rollout speed.",
            "",
            "  POST /get_reward   OpenRLHF's remote reward model (--remote_rm_url / --reward.remote_url): {query, prompts, labels}",
            "                     -> {rewards, scores, extra_logs}. The response is found in each query by its prompt or chat template;",
            "                     a query where neither is found gets 400 (see --unseparated).",
            "  POST /run_code     SandboxFusion's run API, for verl's sandbox_fusion reward: one Python program on one stdin.",
            "  POST /v1/score     Our batch API: {items: [{kind: math|code, response, ground_truth | tests, options}]}.",
            "  GET  /health       Liveness and queue depth.   GET /metrics   Prometheus text.",
            "",
            "A reward is the sum of four terms, each reported: correctness (--shaping correct=1,incorrect=0), a format term when",
            "\\boxed or the code block is missing (format_penalty), RLSP's exploration term exploration_weight * -exploration_c / T",
            "with T = characters before the first \\boxed / chars_per_token, and T1's garbage_penalty for looping or garbled output.",
            "Requests may override any of them in options.shaping. Without a sandbox, requests holding code items get 503 with the",
            "reason on every route. Ctrl-C stops accepting and finishes the requests in flight."},
        footer = {"", "Examples:",
            "  arbiter reward-server --port 8080",
            "  arbiter reward-server --port 8080 --shaping format_penalty=-0.5 --shaping exploration_weight=1 --token \"$TOKEN\"",
            "  arbiter reward-server --answers math500 --data-dir ../shared/datasets      # for OpenRLHF runs that send no labels",
            "  curl -s localhost:8080/v1/score -d '{\"items\":[{\"kind\":\"math\",\"response\":\"so \\\\boxed{5}\",\"ground_truth\":\"5\"}]}'",
            "",
            "Trainer set-up for OpenRLHF, verl and TRL: integrations/README.md and docs/reward.md."})
final class RewardServerCommand extends CommandBase {
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to bind; 0.0.0.0 serves other machines (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--token", paramLabel = "T",
            description = "Require 'Authorization: Bearer T' on every route but /health (default: $ARBITER_REWARD_TOKEN, else none).")
    String token;

    @Option(names = "--queue", defaultValue = "65536", paramLabel = "N",
            description = "Items admitted at once; a request that does not fit gets 429 with Retry-After (default: ${DEFAULT-VALUE}).")
    int queue;

    @Option(names = "--max-body-mb", defaultValue = "32", paramLabel = "MB", description = "Largest request body; bigger gets 413 (default: ${DEFAULT-VALUE}).")
    int maxBodyMb;

    @Option(names = "--body-budget-mb", defaultValue = "128", paramLabel = "MB",
            description = "Bytes of bodies read at once, over all requests; past it new requests get 503 (default: ${DEFAULT-VALUE}).")
    int bodyBudgetMb;

    @Option(names = "--deadline-ms", defaultValue = "30000", paramLabel = "MS",
            description = "Per-item deadline from arrival; an item past it scores as timed out (default: ${DEFAULT-VALUE}).")
    long deadlineMs;

    @CommandLine.Mixin
    TestTimeoutOption timeout;

    @Option(names = "--grader", defaultValue = "livecodebench", paramLabel = "G",
            description = "Code grader: livecodebench (exact LCB rules) or codecontests (tolerant checker) (default: ${DEFAULT-VALUE}).")
    CodeGrader.Kind grader;

    @CommandLine.Mixin
    ShapingOption shaping;

    @Option(names = "--sandbox", defaultValue = "auto", paramLabel = "MODE",
            description = "auto (use Docker when it is reachable), on (fail without it) or off (default: ${DEFAULT-VALUE}).")
    String sandboxMode;

    @CommandLine.Mixin
    SandboxOptions sandbox;

    @Option(names = "--answers", paramLabel = "BENCHMARK",
            description = "Benchmarks whose problems supply ground truth when a request carries no labels (repeatable).")
    List<String> answers = new ArrayList<>();

    @CommandLine.Mixin
    ExtractionOption extraction;

    @Option(names = "--unseparated", defaultValue = "refuse", paramLabel = "MODE",
            description = {"An OpenRLHF query with no 'prompts' and no chat template this server knows cannot be split into prompt and"
                    + " response: refuse answers 400 naming the fix; score-zero scores it 0, flagged in extra_logs.unseparated."
                    + " Never graded whole, as the prompt may hold the answer (default: ${DEFAULT-VALUE})."})
    String unseparated;

    @Option(names = "--drain-s", defaultValue = "30", paramLabel = "S",
            description = "On shutdown, how long in-flight requests may take to finish (default: ${DEFAULT-VALUE}).")
    int drainS;

    @CommandLine.Mixin
    DataOptions data;

    @Override
    public Integer call() throws Exception {
        CommandLine cl = spec.commandLine();
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
            running = RewardServers.start(config, extraction.extraction(), mode, sandbox.config(), index);
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
