package dev.arbiter.cli.options;

import dev.arbiter.inference.engine.Torch;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** libtorch's intra-op threads, for the commands that train in process. */
public final class TorchThreadsOption {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    /** The help text, for a command that keeps its own default. */
    public static final String DESCRIPTION = "libtorch's intra-op threads. Several split float sums differently from run to run; one makes CPU runs "
            + "repeat far more often (not always: see docs/train.md). More are faster on large models (default: ${DEFAULT-VALUE}).";

    @Option(names = "--threads", defaultValue = "1", paramLabel = "N") int threads;

    public int threads() {
        return threads;
    }

    /** Sets libtorch's thread count; fewer than one is refused. */
    public void apply() {
        if (threads < 1) {
            throw new CommandLine.ParameterException(mixee.commandLine(), "--threads must be at least 1");
        }
        Torch.threads(threads);
    }
}
