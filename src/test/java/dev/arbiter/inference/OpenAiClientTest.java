package dev.arbiter.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OpenAiClientTest {
    static final RetryPolicy FAST = new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(50), 3, Duration.ofSeconds(30));

    private static GenerationRequest req(String prompt, boolean chat, long seed, Duration timeout) {
        return new GenerationRequest("m", prompt, chat, 64, 0.6, 0.95, seed, List.of("</s>"), timeout);
    }

    private static FakeOpenAiServer.Model echo() {
        return (prompt, seed) -> new FakeOpenAiServer.Reply("for " + prompt + " seed " + seed, seed % 2 == 0 ? "stop" : "length");
    }

    @Test
    void rawAndChatRequestsCarryTheSamplingParameters() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(echo())) {
            OpenAiClient c = new OpenAiClient(List.of(URI.create(s.uri() + "/v1/")), null, FAST);
            Generation raw = c.generate(req("2+2?", false, 4, Duration.ofSeconds(5)));
            assertThat(raw.text()).isEqualTo("for 2+2? seed 4");
            assertThat(raw.finishReason()).isEqualTo("stop");
            assertThat(raw.completionTokens()).isEqualTo(raw.text().length() / 4);
            Generation chat = c.generate(req("3+3?", true, 7, Duration.ofSeconds(5)));
            assertThat(chat.text()).isEqualTo("for 3+3? seed 7");
            assertThat(chat.finishReason()).isEqualTo("length");
            var body = s.bodies.peek();
            assertThat(body.path("model").asText()).isEqualTo("m");
            assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
            assertThat(body.path("temperature").asDouble()).isEqualTo(0.6);
            assertThat(body.path("top_p").asDouble()).isEqualTo(0.95);
            assertThat(body.path("seed").asLong()).isEqualTo(4);
            assertThat(body.path("n").asInt()).isEqualTo(1);
            assertThat(body.path("stop").path(0).asText()).isEqualTo("</s>");
        }
    }

    @Test
    void withOneRequestInFiveFailingEverySampleArrives() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(echo())) {
            s.faultRate(0.2, 1_500);
            // A slow fault (1.5 s) outlives the 1 s timeout below; a normal reply must not, even when
            // the test JVM pauses to collect what earlier test classes left in its heap.
            OpenAiClient c = new OpenAiClient(List.of(s.uri()), null, FAST);
            List<Future<Generation>> fs = new ArrayList<>();
            try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 200; i++) {
                    long seed = i;
                    fs.add(ex.submit(() -> c.generate(req("q" + seed, false, seed, Duration.ofMillis(1_000)))));
                }
            }
            for (int i = 0; i < 200; i++) {
                assertThat(fs.get(i).get().text()).isEqualTo("for q" + i + " seed " + i);
            }
            // Every injected fault cost a retry (a slow reply is abandoned at the timeout and asked again), and
            // every retry was one more request. Not exactly one retry per fault: on a loaded machine a normal
            // reply can also miss the timeout, and that is retried the same way.
            assertThat(s.faults.get()).isGreaterThan(10);
            assertThat(c.stats().retries()).isGreaterThanOrEqualTo(s.faults.get());
            assertThat(c.stats().requests()).isEqualTo(200 + c.stats().retries());
        }
    }

    @Test
    void aBadRequestFailsAtOnceWithTheServersWords() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(echo())) {
            OpenAiClient c = new OpenAiClient(List.of(s.uri()), null, FAST);
            assertThatThrownBy(() -> c.generate(new GenerationRequest(null, "x", false, 8, 0, 1, 0, List.of(), Duration.ofSeconds(5))))
                    .isInstanceOf(InferenceException.class).hasMessageContaining("HTTP 400").hasMessageContaining("model is required");
            assertThat(s.received.get()).isEqualTo(1);
        }
    }

    @Test
    void aDeadEndpointIsEjectedAndTheLiveOneServes() throws Exception {
        int deadPort;
        try (ServerSocket ss = new ServerSocket(0)) {
            deadPort = ss.getLocalPort();
        }
        URI dead = URI.create("http://127.0.0.1:" + deadPort);
        try (FakeOpenAiServer s = new FakeOpenAiServer(echo())) {
            OpenAiClient c = new OpenAiClient(List.of(dead, s.uri()), null, FAST);
            for (int i = 0; i < 40; i++) {
                assertThat(c.generate(req("q", false, i, Duration.ofSeconds(5))).text()).isEqualTo("for q seed " + i);
            }
            assertThat(s.served.get()).isEqualTo(40);
            assertThat(c.stats().ejectedNow()).containsExactly(dead.toString());
            // Once ejected the dead endpoint is not tried again: three failures, then only the live one.
            assertThat(c.stats().requests()).isEqualTo(40 + 3);
        }
    }

    @Test
    void giveUpAfterTheLastAttemptWithTheLastError() throws Exception {
        try (FakeOpenAiServer s = new FakeOpenAiServer(echo())) {
            s.faultRate(1.0, 1_000);
            RetryPolicy three = new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2), 100, Duration.ofSeconds(1));
            OpenAiClient c = new OpenAiClient(List.of(s.uri()), null, three);
            assertThatThrownBy(() -> c.generate(req("q", false, 1, Duration.ofMillis(200))))
                    .isInstanceOf(InferenceException.class).hasMessageStartingWith("gave up after 3 attempts; last: " + s.uri());
            assertThat(s.received.get()).isEqualTo(3);
        }
    }
}
