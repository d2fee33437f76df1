package dev.arbiter.judge;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.arbiter.inference.FakeOpenAiServer;
import dev.arbiter.verify.Outcome;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Review attacks on LlmJudge (issue #26). */
class LlmJudgeAttackTest {

    static LlmJudge.Settings settings(URI uri) {
        return new LlmJudge.Settings(uri, "referee", 64, Duration.ofSeconds(10), null, 1);
    }

    /**
     * A reply cut off at --judge-max-tokens is a verdict when its last line happens to read CORRECT: a reasoning judge thinking
     * aloud ("if it were 6 it would be / CORRECT") and cut there pays a wrong answer.
     */
    @Test
    void aReplyCutOffAtMaxTokensWhoseLastLineReadsCorrectIsAVerdict() throws Exception {
        try (FakeOpenAiServer server = new FakeOpenAiServer((p, seed) -> new FakeOpenAiServer.Reply(
                "<think>\nThe candidate says 4, the reference is 6. Had it said 6 the verdict would be\nCORRECT", "length"))) {
            Judgement j = new LlmJudge(settings(server.uri())).judge("Find twice three.", "6", new Candidate.Unread("\\boxed{4}"));
            assertThat(j.ruled()).as("a cut-off reply is no verdict").isFalse();
        }
    }

    /**
     * Once the judge was unreachable (a restart, a blip), the same LlmJudge never asks again: a reward server keeps one for its
     * lifetime, so every later math answer the rules reject gets no reward (503 forever) until the reward server restarts.
     */
    @Test
    void oneUnreachableMomentDisablesTheJudgeForever() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        LlmJudge judge = new LlmJudge(settings(URI.create("http://127.0.0.1:" + port)));
        assertThat(judge.judge("p", "6", new Candidate.Unread("\\boxed{4}")).failed()).isTrue();
        HttpServer up = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        up.createContext("/v1/chat/completions", ex -> {
            byte[] b = ("{\"id\":\"x\",\"object\":\"chat.completion\",\"model\":\"referee\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                    + "\"content\":\"Same.\\nCORRECT\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        up.start();
        try {
            Judgement later = judge.judge("p", "6", new Candidate.Read("6.0"));
            assertThat(later.reason()).doesNotContain("judge not asked");
            assertThat(later.outcome()).isEqualTo(Outcome.CORRECT);
        } finally {
            up.stop(0);
        }
    }
}
