package dev.arbiter.cli;

import dev.arbiter.Ports;
import dev.arbiter.Shutdown;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.ModelFolderOption;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.OpenAiServer;
import java.nio.file.Path;
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
final class ServeCommand extends CommandBase {
    @CommandLine.Mixin
    ModelFolderOption model;

    @Option(names = "--name", paramLabel = "NAME", description = "The model id clients send (default: the folder's name).")
    String name;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8000", paramLabel = "P", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Mixin
    EngineOptions engine;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--port must be 0..65535");
        }
        Ports.requireFree(host, port, "--port");
        Path dir = model.resolve();
        String id = name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString();
        LocalEngine e = engine.open(dir, id);
        OpenAiServer server = new OpenAiServer(e, host, port);
        CountDownLatch stopped = Shutdown.onShutdown("arbiter-serve-stop", () -> {
            server.close();
            e.close();
        });
        var err = spec.commandLine().getErr();
        err.printf("arbiter serve: %s on %s (%s, %s, %,d parameters); Ctrl-C stops%n", id, server.uri(), e.model().device(),
                e.model().type(), e.model().config().parameterCount());
        err.flush();
        stopped.await();
        return 0;
    }
}
