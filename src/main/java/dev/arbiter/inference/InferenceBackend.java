package dev.arbiter.inference;

/**
 * Generates one sample per call. Implemented by the OpenAI-compatible client and, later, by the
 * in-process engine. Implementations are safe to call from many threads at once.
 */
public interface InferenceBackend {
    /** @throws InferenceException when no answer could be had after the backend's own retries */
    Generation generate(GenerationRequest request);
}
