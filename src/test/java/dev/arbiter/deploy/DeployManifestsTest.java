package dev.arbiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.arbiter.cli.Main;
import dev.arbiter.run.ConfigFile;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import picocli.CommandLine;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/: the plain manifests and the Helm chart, rendered with its defaults, with the values the plain manifests
 * stand for, and with values that change every switch, are each read strictly into Kubernetes' typed model, checked as
 * the API server would and for references that hold together, and checked against Arbiter itself: the pods' arguments
 * parse as `arbiter` command lines, the eval ConfigMap as `arbiter eval --config`, the image's user and port are the
 * ones the pods expect. The chart and the plain manifests must give the same objects, so neither drifts from the other.
 */
class DeployManifestsTest {
    static final Path PLAIN = Path.of("deploy/kubernetes");
    static final Path CHART = Path.of("deploy/helm/arbiter");
    static final Path DOCKERFILE = Path.of("deploy/docker/Dockerfile");

    /**
     * Flags being added on other branches of issue #24. Until the CLI has one, it is taken off the command line before
     * parsing (with its value); once the CLI has it, it is parsed like any other flag and this entry does nothing.
     */
    static List<StrictManifests.Manifest> plain() {
        try (Stream<Path> files = Files.list(PLAIN)) {
            List<StrictManifests.Manifest> out = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                out.addAll(StrictManifests.read(Files.readString(f), f.toString()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<StrictManifests.Manifest> rendered(String release, Path... values) {
        List<StrictManifests.Manifest> out = new ArrayList<>();
        for (HelmSubset.Rendered r : new HelmSubset(CHART).render(release, "default", values)) {
            out.addAll(StrictManifests.read(r.yaml(), r.template()));
        }
        return out;
    }

    static <T extends HasMetadata> T one(List<StrictManifests.Manifest> set, Class<T> kind, String name) {
        List<T> found = set.stream().map(StrictManifests.Manifest::object).filter(kind::isInstance).map(kind::cast)
                .filter(o -> o.getMetadata().getName().equals(name)).toList();
        assertThat(found).as("%s %s", kind.getSimpleName(), name).hasSize(1);
        return found.get(0);
    }

    private static Set<String> kindsAndNames(List<StrictManifests.Manifest> set) {
        return set.stream().map(m -> m.kind() + "/" + m.name()).collect(Collectors.toSet());
    }

    // ---- the chart and the plain manifests agree ------------------------------------------------------------------

    @Test
    void theChartRenderedWithThePlainManifestsValuesGivesTheirObjects() {
        assertThat(comparable(rendered("arbiter", CHART.resolve("ci/plain-manifests-values.yaml")))).isEqualTo(comparable(plain()));
    }

    @Test
    void theChartsDefaultsGiveTheRewardServerAndNoEvalJob() {
        List<StrictManifests.Manifest> defaults = rendered("arbiter");
        assertThat(KubernetesChecks.problems(defaults)).isEmpty();
        Map<String, JsonNode> expected = comparable(plain());
        expected.keySet().removeAll(Set.of("ConfigMap/arbiter-eval", "Job/arbiter-eval"));
        assertThat(comparable(defaults)).isEqualTo(expected);
    }

    /** Each object as a JSON tree (key order aside), keyed by kind and name; a ConfigMap's YAML files compare by their content. */
    private static Map<String, JsonNode> comparable(List<StrictManifests.Manifest> set) {
        JsonMapper json = JsonMapper.builder().build();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (StrictManifests.Manifest m : set) {
            JsonNode tree = json.valueToTree(m.object());
            if (m.object() instanceof ConfigMap c && c.getData() != null) {
                var data = (tools.jackson.databind.node.ObjectNode) tree.get("data");
                c.getData().forEach((k, v) -> {
                    if (k.endsWith(".yaml")) {
                        data.put(k, HelmSubset.toYaml(new Yaml().load(v), k));
                    }
                });
            }
            assertThat(out.put(m.kind() + "/" + m.name(), tree)).as("a second %s %s", m.kind(), m.name()).isNull();
        }
        return out;
    }

    // ---- every set is valid Kubernetes and valid Arbiter -----------------------------------------------------------

    @Test
    void thePlainManifestsAreValidAndHangTogether() {
        List<StrictManifests.Manifest> set = plain();
        assertThat(kindsAndNames(set)).containsExactlyInAnyOrder("Secret/arbiter-secrets", "Secret/arbiter-docker-tls",
                "ConfigMap/arbiter-eval", "Job/arbiter-eval", "Deployment/arbiter-reward-server", "Service/arbiter-reward-server",
                "HorizontalPodAutoscaler/arbiter-reward-server");
        assertThat(KubernetesChecks.problems(set)).isEmpty();
        arbiterShape(set, "arbiter");
    }

    @Test
    void overridingValuesReachEveryFieldTheyName() {
        List<StrictManifests.Manifest> set = rendered("sweep-7", CHART.resolve("ci/override-values.yaml"));
        assertThat(KubernetesChecks.problems(set)).isEmpty();
        arbiterShape(set, "sweep-7");
        // TLS off: no certificate Secret, variables or volume; autoscaling off: a fixed count and no autoscaler
        assertThat(kindsAndNames(set)).containsExactlyInAnyOrder("Secret/sweep-7-secrets", "ConfigMap/sweep-7-eval", "Job/sweep-7-eval",
                "Deployment/sweep-7-reward-server", "Service/sweep-7-reward-server");
        Deployment d = one(set, Deployment.class, "sweep-7-reward-server");
        Job job = one(set, Job.class, "sweep-7-eval");
        assertThat(d.getSpec().getReplicas()).isEqualTo(3);
        for (PodSpec pod : List.of(d.getSpec().getTemplate().getSpec(), job.getSpec().getTemplate().getSpec())) {
            Container c = pod.getContainers().get(0);
            assertThat(c.getImage()).isEqualTo("registry.internal/ml/arbiter:0.2.0-rc1");
            assertThat(c.getImagePullPolicy()).isEqualTo("Always");
            assertThat(env(c)).containsEntry("ARBITER_DOCKER_HOSTS", "tcp://10.0.0.11:2375,tcp://10.0.0.12:2375,tcp://10.0.0.13:2375")
                    .doesNotContainKeys("DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH");
            assertThat(pod.getVolumes()).extracting(Volume::getName).doesNotContain("docker-tls");
        }
        assertThat(flagValue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs(), "--containers")).isEqualTo("24");
        Service s = one(set, Service.class, "sweep-7-reward-server");
        assertThat(s.getSpec().getType()).isEqualTo("LoadBalancer");
        assertThat(s.getSpec().getPorts().get(0).getPort()).isEqualTo(80);
        assertThat(one(set, Secret.class, "sweep-7-secrets").getStringData()).containsEntry("reward-token", "s3cret");
        assertThat(job.getSpec().getCompletions()).isEqualTo(16);
        assertThat(job.getSpec().getParallelism()).isEqualTo(8);
        assertThat(job.getSpec().getBackoffLimitPerIndex()).isEqualTo(1);
        // Helm merges maps: the settings given replace theirs, and the defaults' other settings stay
        Object settings = new Yaml().load(one(set, ConfigMap.class, "sweep-7-eval").getData().get("eval.yaml"));
        assertThat(settings).isEqualTo(Map.of("benchmark", List.of("livecodebench"), "endpoint", List.of("http://vllm.inference:8000"),
                "model", "Qwen/QwQ-32B", "n", 8, "max-tokens", 32768, "temperature", 0.6, "top-p", 0.95));
    }

    @Test
    void theChartYamlAndImageTagAgree() {
        HelmSubset chart = new HelmSubset(CHART);
        Map<String, Object> meta = chart.chartYaml();
        assertThat(meta).containsEntry("apiVersion", "v2").containsEntry("name", "arbiter").containsEntry("type", "application");
        assertThat((String) meta.get("version")).matches("\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?");
        @SuppressWarnings("unchecked")
        Map<String, Object> image = (Map<String, Object>) chart.defaultValues().get("image");
        assertThat(image.get("tag")).isEqualTo(meta.get("appVersion"));
    }

    /**
     * What Arbiter needs of the pods, in any set: the eval Job is Indexed and shards by its index, the reward server
     * listens where its Service and probes look, both reach the sandbox hosts with the certificate mounted where
     * DOCKER_CERT_PATH says, both run as the image's non-root user, and their arguments parse as `arbiter` command lines.
     */
    static void arbiterShape(List<StrictManifests.Manifest> set, String release) {
        int uid = dockerfileUid();
        Deployment d = one(set, Deployment.class, release + "-reward-server");
        List<PodSpec> pods = new ArrayList<>(List.of(d.getSpec().getTemplate().getSpec()));
        Container server = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        List<String> args = server.getArgs();
        parsesAsArbiter(args);
        assertThat(args.get(0)).isEqualTo("reward-server");
        assertThat(flagValue(args, "--host")).isEqualTo("0.0.0.0");
        int port = Integer.parseInt(flagValue(args, "--port"));
        assertThat(server.getPorts()).anySatisfy(p -> {
            assertThat(p.getName()).isEqualTo("http");
            assertThat(p.getContainerPort()).isEqualTo(port);
        });
        assertThat(server.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/health/live");
        assertThat(server.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        assertThat(d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThan(Long.parseLong(flagValue(args, "--drain-s")));
        assertThat(env(server)).containsKey("ARBITER_REWARD_TOKEN");
        set.stream().map(StrictManifests.Manifest::object).filter(HorizontalPodAutoscaler.class::isInstance)
                .forEach(h -> assertThat(((HorizontalPodAutoscaler) h).getSpec().getScaleTargetRef().getName()).isEqualTo(d.getMetadata().getName()));

        set.stream().map(StrictManifests.Manifest::object).filter(Job.class::isInstance).map(Job.class::cast).forEach(job -> {
            assertThat(job.getSpec().getCompletionMode()).isEqualTo("Indexed");
            Container eval = job.getSpec().getTemplate().getSpec().getContainers().get(0);
            parsesAsArbiter(eval.getArgs());
            assertThat(eval.getArgs()).startsWith("eval").contains("--shard-from-env");
            assertThat(Integer.parseInt(flagValue(eval.getArgs(), "--shard-count"))).isEqualTo(job.getSpec().getCompletions());
            assertThat(flagValue(eval.getArgs(), "--store")).isEqualTo("$(ARBITER_STORE)");
            assertThat(env(eval)).containsKeys("ARBITER_STORE", "ARBITER_API_KEY");
            evalConfigIsValid(set, job, eval);
            pods.add(job.getSpec().getTemplate().getSpec());
        });

        for (PodSpec pod : pods) {
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(uid);
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            Container c = pod.getContainers().get(0);
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).contains("ALL");
            assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");
            sandboxHosts(set, pod, c);
        }
    }

    /** ARBITER_DOCKER_HOSTS lists daemon URLs; with DOCKER_TLS_VERIFY, DOCKER_CERT_PATH is a mount of a Secret holding docker-java's three files. */
    private static void sandboxHosts(List<StrictManifests.Manifest> set, PodSpec pod, Container c) {
        Map<String, String> env = env(c);
        assertThat(env.get("ARBITER_DOCKER_HOSTS")).isNotBlank();
        for (String host : env.get("ARBITER_DOCKER_HOSTS").split(",")) {
            assertThat(host).matches("(tcp://[^/,\\s]+:\\d+|unix:///\\S+)");
        }
        if (!"1".equals(env.get("DOCKER_TLS_VERIFY"))) {
            assertThat(env).doesNotContainKey("DOCKER_CERT_PATH");
            return;
        }
        var mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals(env.get("DOCKER_CERT_PATH"))).findFirst();
        assertThat(mount).as("a volume mounted at DOCKER_CERT_PATH").isPresent();
        Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(mount.get().getName())).findFirst().orElseThrow();
        assertThat(v.getSecret()).as("the certificate volume is a Secret").isNotNull();
        assertThat(one(set, Secret.class, v.getSecret().getSecretName()).getStringData()).containsKeys("ca.pem", "cert.pem", "key.pem");
    }

    /** The ConfigMap file that the Job passes to --config holds only eval's options, each with a value of its type. */
    private static void evalConfigIsValid(List<StrictManifests.Manifest> set, Job job, Container eval) {
        String file = flagValue(eval.getArgs(), "--config");
        var mount = eval.getVolumeMounts().stream().filter(m -> file.startsWith(m.getMountPath() + "/")).findFirst().orElseThrow();
        Volume v = job.getSpec().getTemplate().getSpec().getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst().orElseThrow();
        String text = one(set, ConfigMap.class, v.getConfigMap().getName()).getData().get(file.substring(mount.getMountPath().length() + 1));
        assertThat(text).as("the ConfigMap key %s names", file).isNotNull();
        try {
            Path tmp = Files.createTempFile("eval-config", ".yaml");
            try {
                Files.writeString(tmp, text);
                ConfigFile config = ConfigFile.read(tmp);
                CommandLine.Model.CommandSpec spec = new CommandLine(new Main()).getSubcommands().get("eval").getCommandSpec();
                assertThat(config.values()).isNotEmpty();
                for (String key : config.values().keySet()) {
                    CommandLine.Model.OptionSpec opt = spec.findOption(ConfigFile.flag(key));
                    assertThat(opt).as("eval option for config key %s", key).isNotNull();
                    config.value(key, opt.type(), opt.auxiliaryTypes()[0]);
                }
            } finally {
                Files.delete(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses the arguments with Arbiter's own command line (without running it): an unknown flag or a bad value fails. */
    static void parsesAsArbiter(List<String> args) {
        CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true); // as Main's own command line
        CommandLine sub = cl.getSubcommands().get(args.get(0));
        assertThat(sub).as("arbiter subcommand %s", args.get(0)).isNotNull();
        cl.parseArgs(args.toArray(String[]::new));
    }

    static String flagValue(List<String> args, String flag) {
        int i = args.indexOf(flag);
        assertThat(i).as("%s in %s", flag, args).isNotNegative().isLessThan(args.size() - 1);
        return args.get(i + 1);
    }

    static Map<String, String> env(Container c) {
        Map<String, String> out = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            out.put(e.getName(), e.getValue() != null ? e.getValue() : "valueFrom");
        }
        return out;
    }

    /** The numeric user the image runs as: runAsNonRoot can only be verified by the kubelet for a numeric USER. */
    static int dockerfileUid() {
        try {
            Matcher m = Pattern.compile("(?m)^USER\\s+(\\d+)(:\\d+)?\\s*$").matcher(Files.readString(DOCKERFILE));
            assertThat(m.find()).as("a numeric USER in %s", DOCKERFILE).isTrue();
            int uid = Integer.parseInt(m.group(1));
            assertThat(uid).isPositive();
            return uid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the image ----------------------------------------------------------------------------------------------------

    @Test
    void theImageRunsTheLauncherAsItsUserAndServesThePortThePodsUse() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        List<String> froms = Pattern.compile("(?m)^FROM\\s+(\\S+)").matcher(dockerfile).results().map(r -> r.group(1)).toList();
        assertThat(froms.get(froms.size() - 1)).startsWith("eclipse-temurin:25").contains("jre");
        assertThat(dockerfile).containsPattern("(?m)^ENTRYPOINT \\[\"/app/arbiter\"\\]$")
                .containsPattern("(?m)^CMD \\[\"reward-server\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\"\\]$")
                .containsPattern("(?m)^EXPOSE 8080$");
        parsesAsArbiter(List.of("reward-server", "--host", "0.0.0.0", "--port", "8080"));
        Deployment d = one(plain(), Deployment.class, "arbiter-reward-server");
        assertThat(flagValue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs(), "--port")).isEqualTo("8080");
        // the build stage builds the jar as the launcher does, by running it
        assertThat(dockerfile).containsPattern("(?m)^RUN .*\\./arbiter --version");
    }

    // ---- the checks are live: a broken field in the real files fails ----------------------------------------------

    @Test
    void breakingAFieldOfTheRealManifestsFailsTheChecks() throws IOException {
        String server = Files.readString(PLAIN.resolve("reward-server.yaml"));
        String job = Files.readString(PLAIN.resolve("eval-job.yaml"));
        String secrets = Files.readString(PLAIN.resolve("secrets.yaml"));
        Function<String, List<StrictManifests.Manifest>> withServer = text -> concat(StrictManifests.read(text, "reward-server.yaml"),
                StrictManifests.read(job, "eval-job.yaml"), StrictManifests.read(secrets, "secrets.yaml"));
        Function<String, List<StrictManifests.Manifest>> withJob = text -> concat(StrictManifests.read(server, "reward-server.yaml"),
                StrictManifests.read(text, "eval-job.yaml"), StrictManifests.read(secrets, "secrets.yaml"));
        assertThat(KubernetesChecks.problems(withServer.apply(server))).isEmpty();

        // read strictly: a misspelt field, and a number where Kubernetes wants a string
        assertThatThrownBy(() -> withServer.apply(replace(server, "readinessProbe:", "readinesProbe:"))).hasMessageContaining("readinesProbe");
        assertThatThrownBy(() -> withJob.apply(replace(job, "- \"4\"", "- 4"))).isInstanceOf(IllegalArgumentException.class);
        // checked together: a Secret, key, probe port, Service selector and scale target that name nothing
        assertThat(KubernetesChecks.problems(withServer.apply(replace(server, "secretName: arbiter-docker-tls", "secretName: arbiter-tls"))))
                .anyMatch(p -> p.contains("Secret arbiter-tls"));
        assertThat(KubernetesChecks.problems(withJob.apply(replace(job, "key: store-url", "key: store"))))
                .anyMatch(p -> p.contains("key store of Secret arbiter-secrets"));
        assertThat(KubernetesChecks.problems(withServer.apply(replace(server, "path: /health/ready\n              port: http",
                "path: /health/ready\n              port: web")))).anyMatch(p -> p.contains("readinessProbe port web"));
        assertThat(KubernetesChecks.problems(withServer.apply(replace(server, "  selector:\n    app.kubernetes.io/name: arbiter",
                "  selector:\n    app.kubernetes.io/name: arbitr")))).anyMatch(p -> p.contains("selects the pods of no Deployment"));
        assertThat(KubernetesChecks.problems(withServer.apply(replace(server, "    name: arbiter-reward-server\n  minReplicas",
                "    name: reward-server\n  minReplicas")))).anyMatch(p -> p.contains("scaleTargetRef"));
        assertThat(KubernetesChecks.problems(withJob.apply(replace(job, "      restartPolicy: Never", "      restartPolicy: OnFailure"))))
                .anyMatch(p -> p.contains("backoffLimitPerIndex needs"));
        // checked against Arbiter: a flag it does not have, a shard count that is not the Job's, a Job that is not Indexed
        assertThatThrownBy(() -> arbiterShape(withServer.apply(replace(server, "- --drain-s", "- --drain-seconds")), "arbiter"))
                .hasMessageContaining("--drain-seconds");
        assertThatThrownBy(() -> arbiterShape(withJob.apply(replace(job, "  completions: 4 ", "  completions: 5 ")), "arbiter"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> arbiterShape(withJob.apply(replace(job, "  completionMode: Indexed\n", "")), "arbiter"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> arbiterShape(withJob.apply(replace(job, "    n: 16\n", "    samples: 16\n")), "arbiter"))
                .hasMessageContaining("samples");
    }

    private static String replace(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replace(from, to);
    }

    @SafeVarargs
    private static List<StrictManifests.Manifest> concat(List<StrictManifests.Manifest>... parts) {
        return Stream.of(parts).flatMap(List::stream).toList();
    }

    // ---- integrations point at the Service ----------------------------------------------------------------------------

    @Test
    void theTrainerExamplesNameTheServiceTheManifestsCreate() throws Exception {
        Service s = one(plain(), Service.class, "arbiter-reward-server");
        String url = "http://" + s.getMetadata().getName() + ".arbiter.svc.cluster.local:" + s.getSpec().getPorts().get(0).getPort();
        assertThat(Files.readString(Path.of("integrations/verl/arbiter_kubernetes.sh"))).contains(url);
        // the OpenRLHF list: the Service once per replica, comma-separated, as --remote_rm_url takes it
        Process p = new ProcessBuilder("bash", "integrations/openrlhf/reward_urls.sh", "3").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.split(",")).containsExactly(url + "/get_reward", url + "/get_reward", url + "/get_reward");
    }
}
