package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import dev.arbiter.perf.BenchSolutions;
import dev.arbiter.sandbox.DockerRequired;
import dev.arbiter.sandbox.Language;
import dev.arbiter.sandbox.Sandbox;
import dev.arbiter.sandbox.SandboxConfig;
import dev.arbiter.verify.math.MathVerifier;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * verl's sandbox requests in every language it names that we run (cpp, java, go, rust, nodejs),
 * against a reward server on the polyglot image: a right program is a Success with SandboxFusion's
 * shape, a compile error is a Failed compile with the compiler's words, a crash is a Failed run.
 */
@Tag("docker")
@Tag("slow")
class RunCodeLanguagesTest {
    static MathVerifier verifier;
    static Sandbox sandbox;
    static RewardServer server;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** Doubles the number on stdin; a program that does not compile; one that crashes. */
    static final Map<String, String[]> PROGRAMS = Map.of(
            "cpp", new String[] {"#include <iostream>\nint main() { long n; std::cin >> n; std::cout << n * 2 << \"\\n\"; }\n",
                    "int main() { return x; }\n", "#include <cstdlib>\nint main() { std::abort(); }\n"},
            "java", new String[] {"import java.util.*;\npublic class Main { public static void main(String[] a) { System.out.println(new Scanner(System.in).nextLong() * 2); } }\n",
                    "public class Main { public static void main(String[] a) { int x = \"s\"; } }\n",
                    "public class Main { public static void main(String[] a) { throw new IllegalStateException(\"boom\"); } }\n"},
            "go", new String[] {"package main\nimport \"fmt\"\nfunc main() { var n int64; fmt.Scan(&n); fmt.Println(n * 2) }\n",
                    "package main\nfunc main() { x := 1 }\n", "package main\nfunc main() { panic(\"boom\") }\n"},
            "rust", new String[] {"use std::io::*;\nfn main() { let mut s = String::new(); stdin().read_line(&mut s).unwrap(); let n: i64 = s.trim().parse().unwrap(); println!(\"{}\", n * 2); }\n",
                    "fn main() { let x: i32 = \"s\"; }\n", "fn main() { panic!(\"boom\"); }\n"},
            "nodejs", new String[] {"const n = BigInt(require('fs').readFileSync(0, 'utf8').trim());\nconsole.log((n * 2n).toString());\n",
                    "console.log(;\n", "throw new Error('boom');\n"});

    @BeforeAll
    static void start() throws Exception {
        DockerRequired.check();
        verifier = new MathVerifier();
        sandbox = Sandbox.start(SandboxConfig.defaults().polyglot().withContainers(1));
        server = new RewardServer(RewardServer.Config.local(0), new RewardScorer(verifier, sandbox, null), sandbox, null);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            sandbox.close();
            verifier.close();
        }
    }

    static JsonNode runCode(String language, String code, String stdin) throws Exception {
        // The fields verl's sandbox_fusion utilities send, with the language of the item.
        ObjectNode b = Json.mapper().createObjectNode();
        b.put("compile_timeout", 30).put("run_timeout", 10).put("code", code).put("stdin", stdin).put("memory_limit_MB", 1024)
                .put("language", language);
        b.putObject("files");
        b.putArray("fetch_files");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/run_code")).POST(HttpRequest.BodyPublishers.ofString(Json.line(b)))
                .timeout(Duration.ofMinutes(3)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    @Test
    void aScoreItemIsGradedInItsLanguage() throws Exception {
        String tests = "{\"inputs\": [\"4\\nTATA\\n\", \"3\\nTTA\\n\"], \"outputs\": [\"T\\n\", \"T\\n\"]}";
        String rust = "```rust\n" + BenchSolutions.overallWinner(Language.RUST) + "```";
        String body = "{\"items\": [{\"id\": \"r\", \"kind\": \"code\", \"response\": " + Json.mapper().writeValueAsString(rust)
                + ", \"tests\": " + tests + ", \"language\": \"rust\"}, {\"id\": \"x\", \"kind\": \"code\", \"response\": \"x\", \"tests\": "
                + tests + ", \"language\": \"cobol\"}]}";
        HttpResponse<String> refused = http.send(HttpRequest.newBuilder(server.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("items[1].language", "cobol");
        String one = body.substring(0, body.indexOf(", {\"id\": \"x\"")) + "]}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(server.uri().resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(one))
                .timeout(Duration.ofMinutes(2)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode result = Json.mapper().readTree(r.body()).get("results").get(0);
        assertThat(result.get("verdict").asText()).as(result.toString()).isEqualTo("correct");
        assertThat(result.get("reward").asDouble()).isEqualTo(1.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"cpp", "java", "go", "rust", "nodejs"})
    void verlsRequestsAreAnsweredInEveryLanguage(String language) throws Exception {
        String[] p = PROGRAMS.get(language);
        JsonNode ok = runCode(language, p[0], "21000000000\n");
        assertThat(ok.get("status").asText()).as(ok.toString()).isEqualTo("Success");
        assertThat(ok.get("run_result").get("status").asText()).isEqualTo("Finished");
        assertThat(ok.get("run_result").get("return_code").asInt()).isZero();
        assertThat(ok.get("run_result").get("stdout").asText()).isEqualTo("42000000000\n");
        assertThat(ok.get("run_result").get("execution_time").asDouble()).isBetween(0.0, 10.0);
        boolean compiled = !language.equals("nodejs");
        assertThat(ok.get("compile_result").isNull()).isEqualTo(!compiled);
        if (compiled) {
            assertThat(ok.get("compile_result").get("return_code").asInt()).isZero();
        }

        JsonNode broken = runCode(language, p[1], "");
        assertThat(broken.get("status").asText()).isEqualTo("Failed");
        if (compiled) {
            assertThat(broken.get("run_result").isNull()).isTrue();
            assertThat(broken.get("compile_result").get("return_code").asInt()).isEqualTo(1);
            // The reason, then the compiler's own words, which name the source file.
            assertThat(broken.get("compile_result").get("stderr").asText()).startsWith("the compiler failed:\n").containsIgnoringCase("/run/arbiter-bin/program/main");
        } else {
            // As SandboxFusion's node: the syntax error is the run's, exit code 1, the parser's words.
            assertThat(broken.get("run_result").get("return_code").asInt()).isEqualTo(1);
            assertThat(broken.get("run_result").get("stderr").asText()).contains("SyntaxError");
        }

        JsonNode crash = runCode(language, p[2], "");
        assertThat(crash.get("status").asText()).isEqualTo("Failed");
        assertThat(crash.get("run_result").get("status").asText()).isEqualTo("Finished");
        assertThat(crash.get("run_result").get("return_code").asInt()).isNotZero();
    }
}
