package dev.arbiter.cli;

import dev.arbiter.inference.engine.Generator;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.engine.ModelHub;
import dev.arbiter.inference.engine.Torch;
import dev.arbiter.inference.serve.OpenAiServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Serves a model folder as an OpenAI-compatible API, on the in-process engine.",
            "GET /v1/models, POST /v1/completions and /v1/chat/completions (n, max_tokens, temperature, top_p, top_k,",
            "seed, stop; no streaming). Concurrent requests are batched together. Stop it with Ctrl-C."},
        footer = {"", "Examples:",
            "  arbiter model tiny --out /tmp/tiny && arbiter serve --model /tmp/tiny --port 8000",
            "  curl localhost:8000/v1/chat/completions -d '{\"model\":\"tiny\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":4}'",
            "  arbiter eval --benchmark aime24 --endpoint http://localhost:8000 --model tiny --n 4 --max-tokens 256"})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--model", required = true, paramLabel = "DIR|ID",
            description = "A model folder (config.json, tokenizer.json, safetensors), or a Hugging Face id fetched into the cache when online.")
    String model;

    @Option(names = "--name", paramLabel = "NAME", description = "The model id clients send (default: the folder's name).")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "P", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Mixin
    EngineOptions engine;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        Ports.requireFree(host, port, "--port");
        Path dir = ModelHub.fromEnvironment().resolve(model);
        String id = name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString();
        LocalEngine e = engine.open(dir, id);
        OpenAiServer server = new OpenAiServer(e, host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            e.close();
            stopped.countDown();
        }));
        var err = spec.commandLine().getErr();
        err.printf("arbiter serve: %s on %s (%s, %s, %,d parameters); Ctrl-C stops%n", id, server.uri(), e.model().device(),
                e.model().type(), e.model().config().parameterCount());
        err.flush();
        stopped.await();
        return 0;
    }

    /** Where the in-process engine runs and in what precision; serve, eval and bench generate take these. */
    static final class DeviceOptions {
        @Option(names = "--device", defaultValue = "auto", paramLabel = "D",
                description = "auto (a GPU when libtorch sees one, else the CPU), cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
        String device;

        @Option(names = "--precision", paramLabel = "P", description = "fp32 or fp16 (default: fp16 on GPU, fp32 on CPU).")
        Torch.Precision precision;
    }

    /** The device options plus batching; shared by serve and eval. */
    static final class EngineOptions {
        @CommandLine.Mixin
        DeviceOptions where;

        @Option(names = "--max-batch", defaultValue = "64", paramLabel = "N", description = "Sequences decoded together at most (default: ${DEFAULT-VALUE}).")
        int maxBatch;

        LocalEngine open(Path dir, String id) {
            if (maxBatch < 1) {
                throw new Errors.UserError("--max-batch must be at least 1");
            }
            System.err.println("arbiter: loading " + dir + " (" + where.device + ") ...");
            long t = System.nanoTime();
            LocalEngine e = LocalEngine.open(dir, id, where.device, where.precision, new Generator.Limits(maxBatch, Generator.Limits.DEFAULT.maxPrefillTokens()));
            System.err.printf("arbiter: loaded %s in %.1f s: %,d parameters, %s on %s%n", id, (System.nanoTime() - t) / 1e9,
                    e.model().config().parameterCount(), e.model().type(), e.model().device());
            return e;
        }
    }
}
