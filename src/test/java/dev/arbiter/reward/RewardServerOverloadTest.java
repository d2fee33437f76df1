package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `arbiter reward-server` as its own process, flooded: 2,000 requests at once against a small
 * queue. Every one gets an answer, each 200 or 429/503, the process's peak RSS stays bounded, it
 * still serves afterwards, and SIGTERM stops it.
 */
@Tag("slow")
class RewardServerOverloadTest {
    @Test
    void twoThousandRequestsAtOnceGetOnly200sAnd429sAndMemoryStaysBounded() throws Exception {
        RewardServerProcess p = RewardServerProcess.start(RewardServerProcess.launcher("dev.arbiter.cli.Main", "-Xmx256m", "-XX:+UseSerialGC"),
                List.of("--queue", "16", "--sandbox", "off", "--drain-s", "10"), Map.of(), Duration.ofSeconds(120));
        try {
            URI uri = p.uri();
            ObjectNode body = Json.mapper().createObjectNode();
            ArrayNode items = body.putArray("items");
            for (int i = 0; i < 4; i++) {
                items.addObject().put("kind", "math").put("response", "reasoning ".repeat(3000) + "so \\boxed{\\frac{" + i + "}{7}}")
                        .put("ground_truth", "\\frac{" + i + "}{7}");
            }
            String payload = Json.line(body);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(30)).build();
            List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                fs.add(http.sendAsync(HttpRequest.newBuilder(uri.resolve("/v1/score")).timeout(Duration.ofSeconds(120))
                        .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString()));
            }
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (var f : fs) {
                HttpResponse<String> r = f.get();
                byStatus.merge(r.statusCode(), 1, Integer::sum);
                if (r.statusCode() == 200) {
                    assertThat(Json.mapper().readTree(r.body()).get("results")).hasSize(4);
                } else {
                    assertThat(r.headers().firstValue("Retry-After")).as(r.body()).isPresent();
                }
            }
            long peakKb = peakRssKb(p.pid());
            System.out.printf("overload: 2000 requests -> %s; server peak RSS %d MiB%n", byStatus, peakKb >> 10);
            assertThat(byStatus.keySet()).isSubsetOf(200, 429, 503);
            assertThat(byStatus.getOrDefault(200, 0)).isPositive();
            assertThat(byStatus.getOrDefault(429, 0) + byStatus.getOrDefault(503, 0)).isPositive();
            // A 256 MiB heap plus the JVM's own: nowhere near 2,000 requests' worth of buffered work.
            assertThat(peakKb).isLessThan(1L << 20);

            HttpResponse<String> after = http.send(HttpRequest.newBuilder(uri.resolve("/v1/score")).POST(HttpRequest.BodyPublishers.ofString(payload))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(after.statusCode()).isEqualTo(200);
            String metrics = http.send(HttpRequest.newBuilder(uri.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("arbiter_reward_rejected_total{reason=\"queue_full\"}");
        } finally {
            assertThat(p.stop(Duration.ofSeconds(60))).as("reward-server stops on SIGTERM").isTrue();
        }
    }

    private static long peakRssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no VmHWM for " + pid);
    }
}
