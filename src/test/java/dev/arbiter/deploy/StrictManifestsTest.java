package dev.arbiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict reader refuses what the API server refuses, which fabric8's own reader lets through. */
class StrictManifestsTest {
    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                    - name: web
                      image: example/web:1
                      args: ["--mode", "on"]
                      env:
                        - {name: LEVEL, value: "3"}
                      ports:
                        - {name: http, containerPort: 8080}
                      readinessProbe:
                        httpGet: {path: /ready, port: http}
                      resources:
                        requests: {cpu: 2, memory: 1Gi}
            """;

    private static String with(String from, String to) {
        assertThat(DEPLOYMENT).contains(from);
        return DEPLOYMENT.replace(from, to);
    }

    @Test
    void readsAWellFormedDeploymentIntoItsTypedClass() {
        List<StrictManifests.Manifest> docs = StrictManifests.read("---\n# a comment only\n---\n" + DEPLOYMENT, "web.yaml");
        assertThat(docs).hasSize(1);
        Deployment d = (Deployment) docs.get(0).object();
        var c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(c.getArgs()).containsExactly("--mode", "on");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
        assertThat(c.getResources().getRequests().get("cpu").toString()).isEqualTo("2");
        assertThat(docs.get(0).source()).isEqualTo("web.yaml document 2");
    }

    @Test
    void aMisspeltFieldFails() {
        assertThatThrownBy(() -> StrictManifests.read(with("readinessProbe:", "readinesProbe:"), "x"))
                .hasMessageContaining("readinesProbe");
        assertThatThrownBy(() -> StrictManifests.read(with("matchLabels:", "matchLabel:"), "x")).hasMessageContaining("matchLabel");
    }

    @Test
    void aScalarOfTheWrongTypeFailsInsteadOfBeingConverted() {
        assertThatThrownBy(() -> StrictManifests.read(with("value: \"3\"", "value: 3"), "x")).isInstanceOf(IllegalArgumentException.class);
        // YAML 1.1, as kubectl reads it: an unquoted on is the boolean true, and args are strings
        assertThatThrownBy(() -> StrictManifests.read(with("\"on\"]", "on]"), "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StrictManifests.read(with("containerPort: 8080", "containerPort: \"8080\""), "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StrictManifests.read(with("- name: web\n", "- name: [web]\n"), "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnknownKindOrAPreReleaseVersionFails() {
        assertThatThrownBy(() -> StrictManifests.read(with("kind: Deployment", "kind: Deploymnet"), "x"))
                .hasMessageContaining("apps/v1 Deploymnet is not a Kubernetes kind");
        assertThatThrownBy(() -> StrictManifests.read(with("apiVersion: apps/v1", "apiVersion: apps/v1beta2"), "x"))
                .hasMessageContaining("pre-release");
    }

    @Test
    void aDuplicateKeyFails() {
        assertThatThrownBy(() -> StrictManifests.read(with("  name: web\nspec:", "  name: web\n  name: web2\nspec:"), "x"))
                .hasMessageContaining("duplicate");
    }
}
