package dev.arbiter.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.arbiter.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicated reward servers as OpenRLHF drives them: two `arbiter reward-server` processes, each its
 * own JVM, and OpenRLHF's way of cutting a batch across several reward URLs, from
 * integrations/openrlhf/remote_rewards.py run by the host's python3. The replicas give exactly the
 * rewards one server gives, whichever replica scores an item and whatever it scored before.
 */
@Tag("slow")
class RewardReplicasTest {
    static final String CLIENT = "integrations/openrlhf/remote_rewards.py";
    static final String PROMPT = "<|im_start|>system\nPlease reason step by step.<|im_end|>\n<|im_start|>user\nProblem %d.<|im_end|>\n"
            + "<|im_start|>assistant\n";
    /** Shaping that makes each reward depend on its response's length and form, so that a reward in the wrong place shows. */
    static final List<String> SHAPING = List.of("--shaping", "format_penalty=-0.5", "--shaping", "exploration_weight=0.1", "--shaping",
            "garbage_penalty=-1");
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    static RewardServerProcess a;
    static RewardServerProcess b;

    @BeforeAll
    static void start() throws Exception {
        List<String> options = new ArrayList<>(List.of("--sandbox", "off", "--drain-s", "5"));
        options.addAll(SHAPING);
        a = RewardServerProcess.start(RewardServerProcess.launcher("dev.arbiter.cli.Main"), options, Map.of(), Duration.ofSeconds(120));
        b = RewardServerProcess.start(RewardServerProcess.launcher("dev.arbiter.cli.Main"), options, Map.of(), Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        for (RewardServerProcess p : new RewardServerProcess[] {a, b}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** Right, wrong, equivalent in another form, needing the CAS, unboxed, unparseable and looping responses, with their labels. */
    static final String[][] ITEMS = {
        {"2x = 10, so x = \\boxed{5}.", "5", "1"},
        {"Half of it: $\\boxed{\\frac{1}{2}}$", "0.5", "1"},
        {"I think it is \\boxed{4}.", "5", "0"},
        {"Expanding, \\boxed{(x+1)^2}", "x^2+2x+1", "1"},
        {"No idea, sorry.", "7", "0"},
        {"The answer is \\boxed{", "3", "0"},
        {"Adding: $\\boxed{\\dfrac{5}{6}}$", "\\frac{5}{6}", "1"},
        {"So $x = \\boxed{2\\sqrt{2}}$", "\\sqrt{8}", "1"},
        {"It comes to \\boxed{\\frac{1}{3}}", "0.5", "0"},
        {"The total is 12, not boxed.", "12", "1"},
        {"Let me think. " + "and then again ".repeat(40), "9", "0"},
        {"Checking each case carefully, the count is \\boxed{204}.", "204", "1"},
        {"\\boxed{x^2-1}", "(x-1)(x+1)", "1"},
        {"\\boxed{-3}", "3", "0"},
        {"Long reasoning " + "step by step, ".repeat(30) + "gives \\boxed{42}", "42", "1"},
        {"\\boxed{\\frac{1}{}}", "1", "0"},
        {"So the set is \\boxed{\\{1,2\\}}", "\\{1, 2\\}", "1"},
        {"$\\boxed{0.3333}$", "\\frac{1}{3}", "0"},
        {"\\boxed{10\\%}", "10\\%", "1"},
        {"We get \\boxed{\\pi}", "3", "0"},
        {"Finally \\boxed{17}", "17", "1"},
    };

    static ObjectNode batch(int from, int to) {
        ObjectNode o = Json.mapper().createObjectNode();
        ArrayNode q = o.putArray("query");
        ArrayNode p = o.putArray("prompts");
        ArrayNode l = o.putArray("labels");
        for (int i = from; i < to; i++) {
            String prompt = String.format(PROMPT, i);
            q.add(prompt + ITEMS[i][0] + "<|im_end|>");
            p.add(prompt);
            l.add(ITEMS[i][1]);
        }
        return o;
    }

    /** What remote_rewards.py printed for {@code batch} sent to {@code servers}, OpenRLHF's way. */
    static JsonNode openRlhf(ObjectNode batch, RewardServerProcess... servers) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "no python3 on this machine");
        List<String> urls = new ArrayList<>();
        for (RewardServerProcess s : servers) {
            urls.add(s.uri() + "/get_reward");
        }
        Process p = new ProcessBuilder("python3", CLIENT, String.join(",", urls)).redirectErrorStream(true).start();
        p.getOutputStream().write(Json.line(batch).getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return Json.mapper().readTree(out);
    }

    /** A counter's value summed over the series whose labels contain {@code labels}, from the server's /metrics. */
    static long counter(RewardServerProcess s, String name, String labels) throws Exception {
        String text = http.send(HttpRequest.newBuilder(s.uri().resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)} (\\d+)$").matcher(text);
        long sum = 0;
        while (m.find()) {
            sum += m.group(1).contains(labels) ? Long.parseLong(m.group(2)) : 0;
        }
        return sum;
    }

    static long rewardRequests(RewardServerProcess s) throws Exception {
        return counter(s, "arbiter_reward_requests_total", "endpoint=\"/get_reward\",code=\"200\"");
    }

    static long items(RewardServerProcess s) throws Exception {
        return counter(s, "arbiter_reward_items_total", "");
    }

    @Test
    void twoReplicasBehindOpenRlhfsUrlSplittingGiveExactlyTheRewardsOfOne() throws Exception {
        // Each replica's Symja child started, on a question not in the batch, so that no verdict waits on a cold start.
        ObjectNode warm = Json.mapper().createObjectNode();
        warm.putArray("query").add(String.format(PROMPT, 99) + "\\boxed{(a+b)^2}<|im_end|>");
        warm.putArray("prompts").add(String.format(PROMPT, 99));
        warm.putArray("labels").add("a^2+2ab+b^2");
        assertThat(openRlhf(warm, a).get("scores").get(0).asDouble()).isEqualTo(1.0);
        assertThat(openRlhf(warm, b).get("scores").get(0).asDouble()).isEqualTo(1.0);
        long aRequests = rewardRequests(a);
        long bRequests = rewardRequests(b);
        long aItems = items(a);
        long bItems = items(b);

        int n = ITEMS.length;
        // Both replicas new to these items: OpenRLHF's cut gives the first 11 to a and the other 10 to b.
        JsonNode split = openRlhf(batch(0, n), a, b);
        assertThat(rewardRequests(a) - aRequests).isEqualTo(1);
        assertThat(rewardRequests(b) - bRequests).isEqualTo(1);
        assertThat(items(a) - aItems).isEqualTo((n + 1) / 2);
        assertThat(items(b) - bItems).isEqualTo(n / 2);

        // Then each replica alone with the whole batch: half of it seen before, the other half new to it.
        JsonNode onA = openRlhf(batch(0, n), a);
        JsonNode onB = openRlhf(batch(0, n), b);
        assertThat(items(a) - aItems).isEqualTo((n + 1) / 2 + n);
        assertThat(items(b) - bItems).isEqualTo(n / 2 + n);

        List<Double> acc = new ArrayList<>();
        for (String[] item : ITEMS) {
            acc.add(Double.parseDouble(item[2]));
        }
        assertThat(RewardServerTest.doubles(onA.get("extra_logs").get("acc"))).as(onA.toString()).isEqualTo(acc);
        assertThat(onA.get("rewards")).hasSize(n);
        // Every reward, score, log and reason, in the batch's order.
        assertThat(split).isEqualTo(onA);
        assertThat(onB).isEqualTo(onA);
        // The shaping reached the items: their rewards differ with their lengths and forms, so one out of place would show.
        assertThat(RewardServerTest.doubles(onA.get("rewards")).stream().distinct().count()).isGreaterThan(n / 2);
    }

    @Test
    void aBatchSmallerThanTheReplicasSendsTheLastOnesEmptySlicesAndStillGetsOnesRewards() throws Exception {
        long bRequests = rewardRequests(b);
        long bItems = items(b);
        JsonNode split = openRlhf(batch(0, 1), a, b);
        // b got an empty slice, as OpenRLHF sends it, and answered it.
        assertThat(rewardRequests(b) - bRequests).isEqualTo(1);
        assertThat(items(b) - bItems).isZero();
        assertThat(split).isEqualTo(openRlhf(batch(0, 1), a));
        assertThat(split.get("rewards")).hasSize(1);
    }

    @Test
    void aReplicaWithoutDockerIsLiveButNotReadyAndSaysWhy(@TempDir Path dir) throws Exception {
        String socket = "unix://" + dir.resolve("no-docker.sock");
        try (RewardServerProcess s = RewardServerProcess.start(RewardServerProcess.launcher("dev.arbiter.cli.Main"),
                List.of("--sandbox", "auto", "--drain-s", "5"), Map.of("DOCKER_HOST", socket), Duration.ofSeconds(120))) {
            HttpResponse<String> live = get(s.uri(), "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            HttpResponse<String> ready = get(s.uri(), "/health/ready");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            assertThat(Json.mapper().readTree(ready.body()).get("reason").asText()).startsWith("sandbox unavailable: Docker is not reachable at "
                    + socket);
            assertThat(get(s.uri(), "/health").statusCode()).as("the old /health keeps its meaning").isEqualTo(200);
            // Not ready for code, but it still scores math for whoever asks.
            HttpResponse<String> math = http.send(HttpRequest.newBuilder(s.uri().resolve("/get_reward"))
                    .POST(HttpRequest.BodyPublishers.ofString(Json.line(batch(0, 1)))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(math.statusCode()).as(math.body()).isEqualTo(200);
        }
        // The replicas with --sandbox off are configured without code: ready.
        assertThat(get(a.uri(), "/health/ready").statusCode()).isEqualTo(200);
        assertThat(get(b.uri(), "/health/live").statusCode()).isEqualTo(200);
    }

    static HttpResponse<String> get(URI server, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(server.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
