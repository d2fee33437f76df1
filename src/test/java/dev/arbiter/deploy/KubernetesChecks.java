package dev.arbiter.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The API server's own validation, for the kinds deploy/ uses, that a typed read does not do (required fields, name
 * syntax, selectors that match their templates, fields that need one another), and the references between objects that
 * only a cluster would find broken: a Secret, ConfigMap, key, volume, port or scale target named but not there.
 */
final class KubernetesChecks {
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern PORT_NAME = Pattern.compile("(?=.{1,15}$)(?=.*[a-z])[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
            + "[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern CONFIG_KEY = Pattern.compile("[-._a-zA-Z0-9]{1,253}");

    private final List<StrictManifests.Manifest> all;
    private final List<String> problems = new ArrayList<>();

    private KubernetesChecks(List<StrictManifests.Manifest> all) {
        this.all = all;
    }

    /** Every problem found, each naming its document; empty when the set would be accepted and hangs together. */
    static List<String> problems(List<StrictManifests.Manifest> manifests) {
        KubernetesChecks c = new KubernetesChecks(manifests);
        c.run();
        return c.problems;
    }

    private void run() {
        Set<String> seen = new HashSet<>();
        for (StrictManifests.Manifest m : all) {
            HasMetadata o = m.object();
            String name = o.getMetadata() == null ? null : o.getMetadata().getName();
            if (name == null || !(o instanceof Service ? DNS_1035_LABEL : DNS_SUBDOMAIN).matcher(name).matches()) {
                problem(m, "metadata.name '" + name + "' is missing or not a valid name");
                continue;
            }
            if (!seen.add(o.getKind() + "/" + name)) {
                problem(m, "a second " + o.getKind() + " named " + name);
            }
            labels(m, "metadata.labels", o.getMetadata().getLabels());
            switch (o) {
                case Deployment d -> deployment(m, d);
                case Job j -> job(m, j);
                case Service s -> service(m, s);
                case HorizontalPodAutoscaler h -> hpa(m, h);
                case ConfigMap c -> keys(m, c.getData(), c.getBinaryData());
                case Secret s -> keys(m, s.getData(), s.getStringData());
                default -> problem(m, "no checks are written for " + o.getKind() + "; add them to KubernetesChecks");
            }
        }
    }

    private void deployment(StrictManifests.Manifest m, Deployment d) {
        var spec = d.getSpec();
        if (spec == null || spec.getSelector() == null || spec.getSelector().getMatchLabels() == null || spec.getSelector().getMatchLabels().isEmpty()) {
            problem(m, "spec.selector.matchLabels is required");
            return;
        }
        PodTemplateSpec t = spec.getTemplate();
        Map<String, String> podLabels = t == null || t.getMetadata() == null ? Map.of() : t.getMetadata().getLabels();
        if (podLabels == null || !podLabels.entrySet().containsAll(spec.getSelector().getMatchLabels().entrySet())) {
            problem(m, "spec.selector does not match the template's labels");
        }
        if (spec.getReplicas() != null && spec.getReplicas() < 0) {
            problem(m, "spec.replicas is negative");
        }
        String restart = t == null || t.getSpec() == null ? null : t.getSpec().getRestartPolicy();
        if (restart != null && !restart.equals("Always")) {
            problem(m, "a Deployment's pods must have restartPolicy Always");
        }
        pod(m, t);
    }

    private void job(StrictManifests.Manifest m, Job j) {
        JobSpec spec = j.getSpec();
        if (spec == null || spec.getTemplate() == null || spec.getTemplate().getSpec() == null) {
            problem(m, "spec.template is required");
            return;
        }
        String restart = spec.getTemplate().getSpec().getRestartPolicy();
        if (!"Never".equals(restart) && !"OnFailure".equals(restart)) {
            problem(m, "a Job's pods need restartPolicy Never or OnFailure");
        }
        boolean indexed = "Indexed".equals(spec.getCompletionMode());
        if (spec.getCompletionMode() != null && !indexed && !"NonIndexed".equals(spec.getCompletionMode())) {
            problem(m, "completionMode is Indexed or NonIndexed");
        }
        if (indexed && (spec.getCompletions() == null || spec.getCompletions() < 1)) {
            problem(m, "an Indexed Job needs completions");
        }
        if (spec.getBackoffLimitPerIndex() != null && (!indexed || !"Never".equals(restart))) {
            problem(m, "backoffLimitPerIndex needs completionMode Indexed and restartPolicy Never");
        }
        if (spec.getPodFailurePolicy() != null) {
            if (!"Never".equals(restart)) {
                problem(m, "podFailurePolicy needs restartPolicy Never");
            }
            for (var rule : spec.getPodFailurePolicy().getRules()) {
                if ("FailIndex".equals(rule.getAction()) && spec.getBackoffLimitPerIndex() == null) {
                    problem(m, "a FailIndex rule needs backoffLimitPerIndex");
                }
                var codes = rule.getOnExitCodes();
                if (codes != null && codes.getContainerName() != null && spec.getTemplate().getSpec().getContainers().stream()
                        .noneMatch(c -> codes.getContainerName().equals(c.getName()))) {
                    problem(m, "podFailurePolicy names container " + codes.getContainerName() + ", which the pod does not have");
                }
                if ((codes == null) == (rule.getOnPodConditions() == null || rule.getOnPodConditions().isEmpty())) {
                    problem(m, "each podFailurePolicy rule needs exactly one of onExitCodes and onPodConditions");
                }
            }
        }
        if (spec.getParallelism() != null && spec.getCompletions() != null && spec.getParallelism() > spec.getCompletions()) {
            problem(m, "parallelism above completions starts pods that have nothing to do");
        }
        if (spec.getSelector() != null && !Boolean.TRUE.equals(spec.getManualSelector())) {
            problem(m, "a Job's selector is generated; set it only with manualSelector");
        }
        pod(m, spec.getTemplate());
    }

    private void pod(StrictManifests.Manifest m, PodTemplateSpec t) {
        if (t == null || t.getSpec() == null) {
            problem(m, "spec.template.spec is required");
            return;
        }
        if (t.getMetadata() != null) {
            labels(m, "the template's labels", t.getMetadata().getLabels());
        }
        PodSpec p = t.getSpec();
        if (p.getContainers() == null || p.getContainers().isEmpty()) {
            problem(m, "a pod needs at least one container");
            return;
        }
        Set<String> volumes = new HashSet<>();
        for (Volume v : p.getVolumes() == null ? List.<Volume>of() : p.getVolumes()) {
            if (!volumes.add(v.getName()) || !DNS_LABEL.matcher(v.getName()).matches()) {
                problem(m, "volume name '" + v.getName() + "' is repeated or not a DNS label");
            }
            if (v.getSecret() != null) {
                refersTo(m, Secret.class, v.getSecret().getSecretName(), null, v.getSecret().getOptional(), "volume " + v.getName());
                v.getSecret().getItems().forEach(i -> refersTo(m, Secret.class, v.getSecret().getSecretName(), i.getKey(),
                        v.getSecret().getOptional(), "volume " + v.getName()));
            }
            if (v.getConfigMap() != null) {
                refersTo(m, ConfigMap.class, v.getConfigMap().getName(), null, v.getConfigMap().getOptional(), "volume " + v.getName());
                v.getConfigMap().getItems().forEach(i -> refersTo(m, ConfigMap.class, v.getConfigMap().getName(), i.getKey(),
                        v.getConfigMap().getOptional(), "volume " + v.getName()));
            }
        }
        Set<String> containers = new HashSet<>();
        for (Container c : p.getContainers()) {
            if (c.getName() == null || !DNS_LABEL.matcher(c.getName()).matches() || !containers.add(c.getName())) {
                problem(m, "container name '" + c.getName() + "' is missing, repeated or not a DNS label");
            }
            if (c.getImage() == null || c.getImage().isBlank()) {
                problem(m, "container " + c.getName() + " has no image");
            }
            container(m, c, volumes);
        }
    }

    private void container(StrictManifests.Manifest m, Container c, Set<String> volumes) {
        Set<String> portNames = new HashSet<>();
        Set<Integer> portNumbers = new HashSet<>();
        for (ContainerPort port : c.getPorts()) {
            if (port.getContainerPort() == null || port.getContainerPort() < 1 || port.getContainerPort() > 65535) {
                problem(m, "container " + c.getName() + ": containerPort out of range");
            }
            if (port.getName() != null && (!PORT_NAME.matcher(port.getName()).matches() || !portNames.add(port.getName()))) {
                problem(m, "container " + c.getName() + ": port name '" + port.getName() + "' is repeated or not an IANA service name");
            }
            portNumbers.add(port.getContainerPort());
        }
        for (var probe : new Object[][] {{"startupProbe", c.getStartupProbe()}, {"livenessProbe", c.getLivenessProbe()},
            {"readinessProbe", c.getReadinessProbe()}}) {
            if (probe[1] instanceof Probe pr) {
                if (pr.getHttpGet() == null && pr.getTcpSocket() == null && pr.getExec() == null && pr.getGrpc() == null) {
                    problem(m, "container " + c.getName() + ": " + probe[0] + " has no handler");
                }
                IntOrString port = pr.getHttpGet() != null ? pr.getHttpGet().getPort() : pr.getTcpSocket() != null ? pr.getTcpSocket().getPort() : null;
                if (port != null && !(port.getIntVal() != null ? portNumbers.contains(port.getIntVal()) : portNames.contains(port.getStrVal()))) {
                    problem(m, "container " + c.getName() + ": " + probe[0] + " port " + (port.getIntVal() != null ? port.getIntVal() : port.getStrVal())
                            + " is not one of its ports");
                }
                if (pr.getHttpGet() != null && (pr.getHttpGet().getPath() == null || !pr.getHttpGet().getPath().startsWith("/"))) {
                    problem(m, "container " + c.getName() + ": " + probe[0] + " path must start with /");
                }
            }
        }
        Set<String> env = new HashSet<>();
        for (EnvVar e : c.getEnv()) {
            if (!env.add(e.getName())) {
                problem(m, "container " + c.getName() + ": env " + e.getName() + " is set twice");
            }
            if (e.getValueFrom() != null && e.getValue() != null) {
                problem(m, "container " + c.getName() + ": env " + e.getName() + " has both value and valueFrom");
            }
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                var r = e.getValueFrom().getSecretKeyRef();
                refersTo(m, Secret.class, r.getName(), r.getKey(), r.getOptional(), "env " + e.getName());
            }
            if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                var r = e.getValueFrom().getConfigMapKeyRef();
                refersTo(m, ConfigMap.class, r.getName(), r.getKey(), r.getOptional(), "env " + e.getName());
            }
        }
        // $(NAME) in args expands only from env set earlier in the same container
        for (String arg : c.getArgs()) {
            var refs = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(arg);
            while (refs.find()) {
                if (!env.contains(refs.group(1))) {
                    problem(m, "container " + c.getName() + ": arg " + arg + " names $(" + refs.group(1) + "), which its env does not set");
                }
            }
        }
        Set<String> mountPaths = new HashSet<>();
        for (VolumeMount vm : c.getVolumeMounts()) {
            if (!volumes.contains(vm.getName())) {
                problem(m, "container " + c.getName() + ": volumeMount " + vm.getName() + " names no volume of the pod");
            }
            if (vm.getMountPath() == null || !vm.getMountPath().startsWith("/") || !mountPaths.add(vm.getMountPath())) {
                problem(m, "container " + c.getName() + ": mountPath '" + vm.getMountPath() + "' is missing, relative or repeated");
            }
        }
    }

    private void service(StrictManifests.Manifest m, Service s) {
        var spec = s.getSpec();
        if (spec == null || spec.getPorts() == null || spec.getPorts().isEmpty()) {
            problem(m, "a Service needs ports");
            return;
        }
        List<Container> selected = new ArrayList<>();
        for (StrictManifests.Manifest other : all) {
            if (other.object() instanceof Deployment d && spec.getSelector() != null && !spec.getSelector().isEmpty()
                    && d.getSpec().getTemplate().getMetadata().getLabels().entrySet().containsAll(spec.getSelector().entrySet())) {
                selected.addAll(d.getSpec().getTemplate().getSpec().getContainers());
            }
        }
        if (selected.isEmpty()) {
            problem(m, "the Service's selector " + spec.getSelector() + " selects the pods of no Deployment here");
        }
        for (ServicePort port : spec.getPorts()) {
            if (port.getPort() == null || port.getPort() < 1 || port.getPort() > 65535) {
                problem(m, "Service port out of range");
            }
            IntOrString target = port.getTargetPort();
            if (target != null && target.getStrVal() != null && selected.stream().noneMatch(c -> c.getPorts().stream()
                    .anyMatch(p -> target.getStrVal().equals(p.getName())))) {
                problem(m, "targetPort " + target.getStrVal() + " is no named port of the selected pods");
            }
            if (target != null && target.getIntVal() != null && selected.stream().noneMatch(c -> c.getPorts().stream()
                    .anyMatch(p -> target.getIntVal().equals(p.getContainerPort())))) {
                problem(m, "targetPort " + target.getIntVal() + " is no port of the selected pods");
            }
        }
    }

    private void hpa(StrictManifests.Manifest m, HorizontalPodAutoscaler h) {
        var spec = h.getSpec();
        var ref = spec == null ? null : spec.getScaleTargetRef();
        if (ref == null || !"Deployment".equals(ref.getKind()) || !"apps/v1".equals(ref.getApiVersion())
                || all.stream().noneMatch(o -> o.object() instanceof Deployment && o.name().equals(ref.getName()))) {
            problem(m, "scaleTargetRef names no apps/v1 Deployment here");
            return;
        }
        if (spec.getMaxReplicas() == null || spec.getMaxReplicas() < 1
                || spec.getMinReplicas() != null && (spec.getMinReplicas() < 1 || spec.getMinReplicas() > spec.getMaxReplicas())) {
            problem(m, "needs 1 <= minReplicas <= maxReplicas");
        }
        Deployment target = (Deployment) all.stream().filter(o -> o.object() instanceof Deployment && o.name().equals(ref.getName()))
                .findFirst().orElseThrow().object();
        if (target.getSpec().getReplicas() != null) {
            problem(m, "its Deployment sets replicas, which every apply would reset under the autoscaler");
        }
        for (MetricSpec metric : spec.getMetrics()) {
            if (!"Resource".equals(metric.getType()) || metric.getResource() == null) {
                continue;
            }
            String resource = metric.getResource().getName();
            if ("Utilization".equals(metric.getResource().getTarget().getType())) {
                if (metric.getResource().getTarget().getAverageUtilization() == null) {
                    problem(m, "a Utilization target needs averageUtilization");
                }
                // utilization is a share of the request: without one the autoscaler has nothing to divide by
                for (Container c : target.getSpec().getTemplate().getSpec().getContainers()) {
                    if (c.getResources() == null || c.getResources().getRequests() == null || !c.getResources().getRequests().containsKey(resource)) {
                        problem(m, "scales on " + resource + " utilization but container " + c.getName() + " requests no " + resource);
                    }
                }
            }
        }
    }

    private void keys(StrictManifests.Manifest m, Map<String, String> a, Map<String, String> b) {
        for (Map<String, String> data : java.util.Arrays.asList(a, b)) {
            if (data != null) {
                data.keySet().stream().filter(k -> !CONFIG_KEY.matcher(k).matches()).forEach(k -> problem(m, "key '" + k + "' is not a valid key"));
            }
        }
    }

    private void labels(StrictManifests.Manifest m, String where, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        labels.forEach((k, v) -> {
            if (!LABEL_KEY.matcher(k).matches() || v == null || !LABEL_VALUE.matcher(v).matches()) {
                problem(m, where + ": label " + k + "=" + v + " is not a valid label");
            }
        });
    }

    /** A Secret or ConfigMap of that name (and key, when one is named) must be in the set, unless the reference is optional. */
    private void refersTo(StrictManifests.Manifest m, Class<? extends HasMetadata> kind, String name, String key, Boolean optional, String by) {
        if (Boolean.TRUE.equals(optional)) {
            return;
        }
        HasMetadata target = all.stream().map(StrictManifests.Manifest::object).filter(kind::isInstance)
                .filter(o -> Objects.equals(o.getMetadata().getName(), name)).findFirst().orElse(null);
        if (target == null) {
            problem(m, by + " needs " + kind.getSimpleName() + " " + name + ", which is not here");
            return;
        }
        if (key != null) {
            Set<String> keys = new HashSet<>();
            if (target instanceof Secret s) {
                keys.addAll(s.getData() == null ? Set.of() : s.getData().keySet());
                keys.addAll(s.getStringData() == null ? Set.of() : s.getStringData().keySet());
            } else if (target instanceof ConfigMap c) {
                keys.addAll(c.getData() == null ? Set.of() : c.getData().keySet());
                keys.addAll(c.getBinaryData() == null ? Set.of() : c.getBinaryData().keySet());
            }
            if (!keys.contains(key)) {
                problem(m, by + " needs key " + key + " of " + kind.getSimpleName() + " " + name + ", which it does not have");
            }
        }
    }

    private void problem(StrictManifests.Manifest m, String what) {
        problems.add(m.source() + " (" + m.kind() + " " + (m.object().getMetadata() == null ? "?" : m.object().getMetadata().getName()) + "): " + what);
    }
}
