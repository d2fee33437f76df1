package dev.arbiter.cli;

import dev.arbiter.Ports;
import dev.arbiter.Shutdown;
import dev.arbiter.cli.options.EngineOptions;
import dev.arbiter.cli.options.ModelFolderOption;
import dev.arbiter.inference.engine.LocalEngine;
import dev.arbiter.inference.serve.AccessLog;
import dev.arbiter.inference.serve.OpenAiServer;
import dev.arbiter.inference.serve.ServerOptions;
import dev.arbiter.run.BuildInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false)
final class ServeCommand extends CommandBase {
    @CommandLine.Mixin ModelFolderOption model;
    @Option(names = "--name", paramLabel = "NAME") String name;
    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "HOST") String host;
    @Option(names = "--port", defaultValue = "8000", paramLabel = "P") int port;
    @Option(names = "--max-model-len", paramLabel = "N") Integer maxModelLen;
    @Option(names = "--chat-template", paramLabel = "FILE") Path chatTemplate;
    @Option(names = "--no-access-log") boolean noAccessLog;
    @CommandLine.Mixin EngineOptions engine;

    @Override
    protected int run(CommandLine cl) throws Exception {
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(cl, "--port must be 0..65535");
        }
        if (maxModelLen != null && maxModelLen < 1) {
            throw new CommandLine.ParameterException(cl, "--max-model-len must be at least 1, got " + maxModelLen);
        }
        if (chatTemplate != null && !Files.isRegularFile(chatTemplate)) {
            throw new CommandLine.ParameterException(cl, "--chat-template " + chatTemplate + " is not a file");
        }
        Ports.requireFree(host, port, "--port");
        Path dir = model.resolve();
        String id = name != null ? name : dir.toAbsolutePath().normalize().getFileName().toString();
        LocalEngine e = engine.open(dir, id, new LocalEngine.Overrides(maxModelLen, chatTemplate));
        OpenAiServer server;
        try {
            server = new OpenAiServer(e, host, port, new ServerOptions(BuildInfo.current().version(),
                    noAccessLog ? AccessLog.OFF : AccessLog.to(cl.getErr())));
        } catch (RuntimeException | java.io.IOException ex) {
            e.close();
            throw ex;
        }
        CountDownLatch stopped = Shutdown.onShutdown("arbiter-serve-stop", () -> {
            server.close();
            e.close();
        });
        var err = cl.getErr();
        err.printf("arbiter serve: %s on %s (%s, %s, %,d parameters, context %,d tokens%s); Ctrl-C stops%n", id, server.uri(), e.model().device(),
                e.model().type(), e.model().config().parameterCount(), e.maxModelLen(), chatTemplate != null ? ", chat template " + chatTemplate : "");
        err.flush();
        stopped.await();
        return 0;
    }
}
