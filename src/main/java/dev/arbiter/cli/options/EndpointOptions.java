package dev.arbiter.cli.options;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** Which model answers and how it is reached: OpenAI-compatible servers, or a model folder run in process. */
public final class EndpointOptions {
    @Spec(Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--endpoint", paramLabel = "URL") List<URI> endpoints = new ArrayList<>();
    @Option(names = "--model", paramLabel = "NAME|DIR") String model;
    @Option(names = "--model-revision", paramLabel = "REV") String modelRevision;
    @Option(names = "--concurrency", defaultValue = "32", paramLabel = "N") int concurrency;
    @Option(names = "--timeout-s", defaultValue = "3600", paramLabel = "S") int timeoutS;

    public List<URI> endpoints() {
        return List.copyOf(endpoints);
    }

    public String model() {
        return model;
    }

    /** The revision given, or null; a blank one, or one for an in-process model, is a usage error. */
    public String modelRevision() {
        if (modelRevision != null && (modelRevision.isBlank() || endpoints.isEmpty())) {
            throw new CommandLine.ParameterException(mixee.commandLine(), modelRevision.isBlank() ? "--model-revision must not be blank"
                    : "--model-revision names a served model; an in-process model is named by a digest of its weights");
        }
        return modelRevision;
    }

    public int concurrency() {
        return concurrency;
    }

    public Duration timeout() {
        return Duration.ofSeconds(timeoutS);
    }
}
