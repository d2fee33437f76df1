package dev.arbiter.inference.serve;

/**
 * A request the server refuses, answered in OpenAI's error shape
 * {@code {"error": {"message", "type", "param", "code"}}}: type {@code invalid_request_error} below 500,
 * {@code server_error} from 500 on.
 */
final class ApiError extends RuntimeException {
    final int status;
    final String param;
    final String code;

    ApiError(int status, String message, String param, String code) {
        super(message);
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status is 4xx or 5xx, not " + status);
        }
        this.status = status;
        this.param = param;
        this.code = code;
    }

    static ApiError badRequest(String message, String param) {
        return new ApiError(400, message, param, null);
    }

    /** OpenAI's answer for a model this server does not have. */
    static ApiError noSuchModel(String model, String served) {
        return new ApiError(404, "the model '" + model + "' does not exist here; this server has '" + served + "'", "model", "model_not_found");
    }

    String type() {
        return status >= 500 ? "server_error" : "invalid_request_error";
    }
}
