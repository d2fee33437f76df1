package dev.arbiter.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * The Helm subset renders what Helm renders for the constructs it has (the expected texts follow Go's text/template and
 * Sprig's functions), and refuses every other construct, even in a branch not taken, instead of passing it through.
 */
class HelmSubsetTest {
    private static final Map<String, Object> VALUES = values();

    private static Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("on", true);
        v.put("off", false);
        v.put("zero", 0);
        v.put("empty", "");
        v.put("none", List.of());
        v.put("text", "0");
        v.put("said", "say \"hi\"\n\tnow");
        v.put("port", 8080);
        v.put("ratio", 0.6);
        v.put("big", 1000000);
        v.put("inf", Double.POSITIVE_INFINITY);
        v.put("tiny", 0.00001);
        v.put("list", List.of("a", "b"));
        v.put("resources", Map.of("requests", Map.of("memory", "1Gi"), "limits", Map.of("cpu", "2", "gpus", 1)));
        return v;
    }

    private static String render(String template) {
        return HelmSubset.renderText(template, Map.of("Values", VALUES, "Release", Map.of("Name", "rel", "Namespace", "ns"),
                "Chart", Map.of("Name", "arbiter", "Version", "0.1.0", "AppVersion", "0.2.0")), "t.yaml");
    }

    @Test
    void trimMarksRemoveTheWhiteSpaceOnTheirSideAcrossLines() {
        String t = "x: 1\n{{- if .Values.on }}\ny: 2\n{{- end }}\nz: 3\n";
        assertThat(render(t)).isEqualTo("x: 1\ny: 2\nz: 3\n");
        assertThat(render(t.replace(".Values.on", ".Values.off"))).isEqualTo("x: 1\nz: 3\n");
        assertThat(render("a  {{- /* gone */ -}}  \n  b")).isEqualTo("ab");
        assertThat(render("a {{/* gone */}} b")).isEqualTo("a  b");
    }

    @Test
    void conditionsFollowGosTruth() {
        assertThat(render("{{ if .Values.off }}a{{ else }}b{{ end }}")).isEqualTo("b");
        assertThat(render("{{ if not .Values.off }}yes{{ end }}")).isEqualTo("yes");
        for (String falsy : List.of("zero", "empty", "none", "off")) {
            assertThat(render("{{ if .Values." + falsy + " }}t{{ else }}f{{ end }}")).as(falsy).isEqualTo("f");
        }
        assertThat(render("{{ if .Values.text }}t{{ else }}f{{ end }}")).as("the string \"0\" is not empty").isEqualTo("t");
        assertThat(render("{{ if .Values.on }}{{ if .Values.off }}a{{ else }}b{{ end }}{{ end }}")).isEqualTo("b");
    }

    @Test
    void valuesPrintAsHelmPrintsThem() {
        assertThat(render("{{ .Release.Name }}-{{ .Release.Namespace }}-{{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.AppVersion }}"))
                .isEqualTo("rel-ns-arbiter-0.1.0-0.2.0");
        assertThat(render("{{ .Values.port }} {{ .Values.ratio }} {{ .Values.on }}")).isEqualTo("8080 0.6 true");
        // Go's %q
        assertThat(render("{{ .Values.said | quote }}")).isEqualTo("\"say \\\"hi\\\"\\n\\tnow\"");
        assertThat(render("{{ .Values.port | quote }}")).isEqualTo("\"8080\"");
        assertThat(render("{{ .Values.list | join \",\" }}|{{ join \"+\" .Values.list }}")).isEqualTo("a,b|a+b");
        assertThat(render("{{ .Values.text | quote | indent 2 }}")).isEqualTo("  \"0\"");
    }

    @Test
    void toYamlWithNindentGivesTheSameValueAsHelmsBlock() {
        String out = render("resources:\n  {{- toYaml .Values.resources | nindent 2 }}\nnext: 1\n");
        // Helm writes: resources:\n  limits:\n    cpu: "2"\n    gpus: 1\n  requests:\n    memory: 1Gi\nnext: 1
        Object helms = new Yaml().load("resources:\n  limits:\n    cpu: \"2\"\n    gpus: 1\n  requests:\n    memory: 1Gi\nnext: 1\n");
        assertThat((Object) new Yaml().load(out)).isEqualTo(helms);
        assertThat(out).startsWith("resources:\n  \"limits\":\n");
        assertThat(render("{{ toYaml .Values.none }}")).isEqualTo("[]");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{{ range .Values.list }}x{{ end }}",
        "{{ include \"x\" . }}",
        "{{ define \"x\" }}y{{ end }}",
        "{{ template \"x\" . }}",
        "{{ with .Values.resources }}{{ .requests }}{{ end }}",
        "{{ $x := 1 }}",
        "{{ $.Values.port }}",
        "{{ .Values.port | default 80 }}",
        "{{ printf \"%d\" .Values.port }}",
        "{{ tpl .Values.text . }}",
        "{{ required \"x\" .Values.text }}",
        "{{ .Values.list | toJson }}",
        "{{ if .Values.off }}x{{ else if .Values.on }}y{{ end }}",
        "{{ (.Values.port) }}",
        "{{ .Values.port | quote | }}",
        "{{ .Values.list | join }}",
        "{{ .Values.text | nindent .Values.port }}",
        "{{ \"a\\\"b\" }}",
        "{{ . }}",
        "{{ .Files.Get \"x\" }}",
        "{{ .Capabilities.KubeVersion.Version }}",
        "{{ .Release.Service }}",
        "{{ .Values.missing }}",
        "{{ .Values.port.sub }}",
        "{{ .Values.resources }}",
        "{{ .Values.list }}",
        "{{ .Values.big }}",
        "{{ .Values.big | quote }}",
        "{{ .Values.inf }}",
        "{{ .Values.tiny }}",
        "a }} b",
        "{{ .Values.port",
        "{{-3}}",
        "{{ .Values.port-}}",
        "{{ if .Values.on }}x",
        "{{ end }}",
        "{{ if .Values.on }}a{{ else }}b{{ else }}c{{ end }}",
        "{{/* open comment }}",
        // outside the subset even where it would never run
        "{{ if .Values.off }}{{ include \"x\" . }}{{ end }}",
        "{{ if .Values.on }}{{ else }}{{ .Values.port | default 80 }}{{ end }}",
    })
    void everythingOutsideTheSubsetIsRefused(String template) {
        assertThatThrownBy(() -> render(template)).isInstanceOf(HelmSubset.TemplateException.class).hasMessageStartingWith("t.yaml:1");
    }

    @Test
    void aChartWithAFileOtherThanYamlTemplatesIsRefused(@TempDir Path chart) throws Exception {
        Files.writeString(chart.resolve("Chart.yaml"), "apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: \"1\"\n");
        Files.writeString(chart.resolve("values.yaml"), "a: 1\n");
        Files.createDirectories(chart.resolve("templates"));
        Files.writeString(chart.resolve("templates/cm.yaml"), "a: {{ .Values.a }}\n---\n# nothing\n---\nb: {{ .Chart.AppVersion }}\n");
        assertThat(new HelmSubset(chart).render("r", "default")).extracting(HelmSubset.Rendered::yaml).containsExactly("a: 1\n", "\nb: 1\n");
        Files.writeString(chart.resolve("templates/_helpers.tpl"), "{{ define \"x\" }}y{{ end }}\n");
        assertThatThrownBy(() -> new HelmSubset(chart).render("r", "default")).hasMessageContaining("only templates/*.yaml");
    }

    @Test
    void overridesMergeAsHelmCoalescesValues(@TempDir Path dir) throws Exception {
        Path over = dir.resolve("over.yaml");
        Files.writeString(over, "a: {b: 2, gone: null}\nlist: [z]\nnew: yes\n");
        Map<String, Object> merged = HelmSubset.merge(Map.of("a", Map.of("b", 1, "c", 3, "gone", 4), "list", List.of("x", "y")),
                HelmSubset.yamlMap(over));
        // maps merge key by key, a null deletes, lists are replaced whole; YAML 1.1 reads yes as true, as Helm does
        assertThat(merged).isEqualTo(Map.of("a", Map.of("b", 2, "c", 3), "list", List.of("z"), "new", true));
    }
}
