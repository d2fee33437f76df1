package dev.arbiter.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.sandbox.CompileResult;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.Limits;
import dev.arbiter.sandbox.ProgramExecution;
import dev.arbiter.sandbox.ProgramRequest;
import dev.arbiter.sandbox.ProgramRun;
import dev.arbiter.sandbox.RunResult;
import dev.arbiter.sandbox.RunStatus;

/**
 * SandboxFusion's {@code POST /run_code}, as far as verl's sandbox reward uses it: run one program on
 * one stdin and report how it ended. verl sends one request per test and reads {@code status}
 * (Success, Failed, SandboxError), {@code compile_result} and {@code run_result} (status Finished,
 * TimeLimitExceeded or Error, return_code, stdout, stderr, execution_time in seconds). The languages
 * are SandboxFusion's names for ours: python, cpp, java, go, rust, nodejs, bash.
 */
final class SandboxFusionWire {
    /** What one run asks for: the language, the code, its stdin, its limits and its compile limit. */
    record Run(Language language, String code, String stdin, Limits limits, Limits compileLimits) {}

    private SandboxFusionWire() {}

    static Run parse(JsonNode body) {
        JsonNode code = body.get("code");
        if (code == null || !code.isTextual()) {
            throw new BadRequest("'code' must be a string", "code");
        }
        String name = text(body, "language", "python");
        Language language = Language.parse(name).orElseThrow(() -> new BadRequest("language '" + name
                + "' is not supported: this sandbox runs python, cpp, java, go, rust, nodejs and bash", "language"));
        String stdin = text(body, "stdin", "");
        double runTimeout = number(body, "run_timeout", 10.0);
        if (runTimeout <= 0 || runTimeout > 600) {
            throw new BadRequest("'run_timeout' must be between 0 and 600 seconds, got " + runTimeout, "run_timeout");
        }
        double compileTimeout = number(body, "compile_timeout", 10.0);
        if (compileTimeout <= 0 || compileTimeout > 600) {
            throw new BadRequest("'compile_timeout' must be between 0 and 600 seconds, got " + compileTimeout, "compile_timeout");
        }
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
        long compileMs = Math.max(1, Math.round(compileTimeout * 1000));
        return new Run(language, code.asText(), stdin, limits, ProgramRequest.COMPILE_DEFAULT.withWallMs(compileMs).withCpuMs(compileMs));
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

    /** The answer for a Python run, which has no compile step of its own. */
    static ObjectNode reply(RunResult r) {
        return reply(r, null);
    }

    /**
     * The answer for a program in any language. A compiled language's compile shows in
     * {@code compile_result}, and a compile error is a Failed run with no {@code run_result}, as in
     * SandboxFusion. A syntax error in a language that runs from source shows, as there, in the run:
     * exit code 1 and the parser's message on stderr.
     */
    static ObjectNode reply(ProgramExecution<ProgramRun> ex) {
        if (ex.sandboxFailed()) {
            return reply(RunResult.sandboxError(ex.sandboxError()), null);
        }
        CompileResult c = ex.compile().orElse(null);
        if (!ex.compiled() && !ex.language().compiled()) {
            return reply(new RunResult(RunStatus.RUNTIME_ERROR, 1, null, "", c.message(), false, c.cpuMs(), c.wallMs(), c.maxRssKb()), null);
        }
        if (!ex.compiled()) {
            ObjectNode o = Json.mapper().createObjectNode();
            o.put("status", "Failed").put("message", "");
            o.set("compile_result", compileResult(c));
            o.putNull("run_result");
            o.putObject("files");
            o.putNull("executor_pod_name");
            return o;
        }
        return reply(ex.runs().get(0).result(), ex.language().compiled() ? c : null);
    }

    private static ObjectNode compileResult(CompileResult c) {
        ObjectNode o = Json.mapper().createObjectNode();
        boolean tle = !c.ok() && c.reason().contains("time limit");
        o.put("status", tle ? "TimeLimitExceeded" : "Finished");
        o.put("execution_time", c.wallMs() / 1000.0);
        if (tle) {
            o.putNull("return_code");
        } else {
            o.put("return_code", c.ok() ? 0 : 1);
        }
        o.put("stdout", "");
        o.put("stderr", c.ok() ? c.message() : c.reason() + (c.message().isBlank() ? "" : ":\n" + c.message()));
        return o;
    }

    private static ObjectNode reply(RunResult r, CompileResult compiled) {
        ObjectNode o = Json.mapper().createObjectNode();
        switch (r.status()) {
            case SANDBOX_ERROR -> {
                o.put("status", "SandboxError").put("message", r.stderr());
                o.putNull("compile_result");
                o.putNull("run_result");
            }
            default -> {
                boolean ok = r.status() == RunStatus.OK;
                o.put("status", ok ? "Success" : "Failed").put("message", "");
                if (compiled == null) {
                    o.putNull("compile_result");
                } else {
                    o.set("compile_result", compileResult(compiled));
                }
                ObjectNode run = o.putObject("run_result");
                boolean tle = r.status() == RunStatus.TIMEOUT || r.status() == RunStatus.CPU_LIMIT;
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
