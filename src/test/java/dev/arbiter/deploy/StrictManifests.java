package dev.arbiter.deploy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads Kubernetes manifests as strictly as the API server does, into fabric8's typed model.
 *
 * <ul>
 *   <li>YAML 1.1, as kubectl and Helm read it: an unquoted {@code on} or {@code yes} is a boolean. Duplicate keys fail.</li>
 *   <li>Each document becomes the model class registered for its apiVersion and kind. A kind that no class is registered for
 *       fails, and so does an alpha or beta version, since those are removed from later Kubernetes releases.</li>
 *   <li>A field the class lacks fails. fabric8's classes keep such fields aside through an any-setter, so it is removed.</li>
 *   <li>A scalar of the wrong type fails. This is the API server's rule: a number where a string goes (an env value, an arg)
 *       is refused, never turned into text.</li>
 * </ul>
 */
final class StrictManifests {
    private static final KubernetesSerialization REGISTRY = new KubernetesSerialization();
    private static final Pattern PRERELEASE = Pattern.compile("v\\d+(alpha|beta)\\d+");
    private static final ObjectMapper STRICT = strictMapper();

    private StrictManifests() {}

    /** One document of a file: where it came from (file and position) and its typed object. */
    record Manifest(String source, HasMetadata object) {
        String kind() {
            return object.getKind();
        }

        String name() {
            return object.getMetadata().getName();
        }
    }

    /** The documents of one YAML text, empty ones (comments only) left out. */
    static List<Manifest> read(String yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        List<Manifest> out = new ArrayList<>();
        int index = 0;
        for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(yaml)) {
            index++;
            if (doc == null) {
                continue;
            }
            String where = source + " document " + index;
            if (!(doc instanceof Map<?, ?> map)) {
                throw new IllegalArgumentException(where + ": not a mapping");
            }
            out.add(new Manifest(where, typed(map, where)));
        }
        return out;
    }

    private static HasMetadata typed(Map<?, ?> doc, String where) {
        if (!(doc.get("apiVersion") instanceof String apiVersion) || !(doc.get("kind") instanceof String kind)) {
            throw new IllegalArgumentException(where + ": apiVersion and kind must both be strings");
        }
        if (PRERELEASE.matcher(apiVersion.substring(apiVersion.indexOf('/') + 1)).matches()) {
            throw new IllegalArgumentException(where + ": " + apiVersion + " is a pre-release API version; use the GA one");
        }
        Class<? extends KubernetesResource> type = REGISTRY.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null || type == GenericKubernetesResource.class || !HasMetadata.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(where + ": " + apiVersion + " " + kind + " is not a Kubernetes kind");
        }
        try {
            return (HasMetadata) STRICT.convertValue(doc, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + " (" + kind + "): " + e.getMessage(), e);
        }
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noAnySetter = new SimpleModule("strict-kubernetes");
        noAnySetter.setDeserializerModifier(new ValueDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription.Supplier bean, BeanDeserializerBuilder builder) {
                builder.setAnySetter(null);
                return builder;
            }
        });
        CoercionInputShape[] scalars = {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean, CoercionInputShape.String,
            CoercionInputShape.EmptyString};
        JsonMapper.Builder b = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .disable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .addModule(noAnySetter);
        // every scalar type takes only its own shape: no text from numbers or booleans, no numbers from text
        for (LogicalType t : new LogicalType[] {LogicalType.Textual, LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            b.withCoercionConfig(t, cfg -> {
                for (CoercionInputShape shape : scalars) {
                    boolean own = switch (t) {
                        case Textual -> shape == CoercionInputShape.String || shape == CoercionInputShape.EmptyString;
                        case Integer -> shape == CoercionInputShape.Integer;
                        case Float -> shape == CoercionInputShape.Float || shape == CoercionInputShape.Integer;
                        default -> shape == CoercionInputShape.Boolean;
                    };
                    if (!own) {
                        cfg.setCoercion(shape, CoercionAction.Fail);
                    }
                }
            });
        }
        return b.build();
    }
}
