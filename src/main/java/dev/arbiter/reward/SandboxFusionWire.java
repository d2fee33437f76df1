package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.RunResult;
import java.util.Locale;

/**
 * SandboxFusion's {@code POST /run_code}, as far as verl's sandbox reward uses it: run one Python
 * program on one stdin and report how it ended. verl sends one request per test and reads
 * {@code status} (Success, Failed, SandboxError) and {@code run_result} (status Finished,
 * TimeLimitExceeded or Error, return_code, stdout, stderr, execution_time in seconds).
 */
final class SandboxFusionWire {
    /** What one run asks for: the code, its stdin and its limits. */
    record Run(String code, String stdin, Limits limits) {}

    private SandboxFusionWire() {}

    static Run parse(JsonNode body) {
        JsonNode code = body.get("code");
        if (code == null || !code.isTextual()) {
            throw new BadRequest("'code' must be a string", "code");
        }
        String language = text(body, "language", "python");
        if (!language.toLowerCase(Locale.ROOT).equals("python") && !language.equalsIgnoreCase("python3")) {
            throw new BadRequest("language '" + language + "' is not supported: this sandbox runs python", "language");
        }
        String stdin = text(body, "stdin", "");
        double runTimeout = number(body, "run_timeout", 10.0);
        if (runTimeout <= 0 || runTimeout > 600) {
            throw new BadRequest("'run_timeout' must be between 0 and 600 seconds, got " + runTimeout, "run_timeout");
        }
        number(body, "compile_timeout", 10.0); // Python compiles as it runs; accepted and unused.
        double memory = number(body, "memory_limit_MB", -1);
        int memoryMb = memory <= 0 ? Limits.DEFAULT.memoryMb() : (int) Math.min(memory, 8192);
        if (memoryMb < 16) {
            throw new BadRequest("'memory_limit_MB' must be at least 16, got " + memory, "memory_limit_MB");
        }
        JsonNode files = body.get("files");
        if (files != null && !files.isNull() && !(files.isObject() && files.isEmpty())) {
            throw new BadRequest("'files' is not supported here; send the program's input as 'stdin'", "files");
        }
        long ms = Math.max(1, Math.round(runTimeout * 1000));
        Limits limits = Limits.DEFAULT.withWallMs(ms).withCpuMs(ms).withMemoryMb(memoryMb);
        return new Run(code.asText(), stdin, limits);
    }

    private static String text(JsonNode body, String field, String dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new BadRequest("'" + field + "' must be a string", field);
        }
        return n.asText();
    }

    private static double number(JsonNode body, String field, double dflt) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new BadRequest("'" + field + "' must be a number", field);
        }
        return n.asDouble();
    }

    static ObjectNode reply(RunResult r) {
        ObjectNode o = Json.mapper().createObjectNode();
        switch (r.status()) {
            case SANDBOX_ERROR -> {
                o.put("status", "SandboxError").put("message", r.stderr());
                o.putNull("compile_result");
                o.putNull("run_result");
            }
            default -> {
                boolean ok = r.status() == dev.arbiter.sandbox.RunStatus.OK;
                o.put("status", ok ? "Success" : "Failed").put("message", "");
                o.putNull("compile_result");
                ObjectNode run = o.putObject("run_result");
                boolean tle = r.status() == dev.arbiter.sandbox.RunStatus.TIMEOUT || r.status() == dev.arbiter.sandbox.RunStatus.CPU_LIMIT;
                run.put("status", tle ? "TimeLimitExceeded" : "Finished");
                run.put("execution_time", r.wallMs() / 1000.0);
                if (tle) {
                    run.putNull("return_code");
                } else if (r.exitCode() != null) {
                    run.put("return_code", r.exitCode());
                } else {
                    // Killed by a signal: Python's subprocess, which SandboxFusion uses, reports minus the signal.
                    run.put("return_code", r.signal() != null ? -r.signal() : -9);
                }
                run.put("stdout", r.stdout());
                run.put("stderr", r.stderr());
            }
        }
        o.putObject("files");
        o.putNull("executor_pod_name");
        return o;
    }
}
