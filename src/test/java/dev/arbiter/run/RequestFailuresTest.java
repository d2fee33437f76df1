package dev.arbiter.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.arbiter.inference.InferenceException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed requests grouped by cause: one group per status and message, whatever numbers the message holds. */
class RequestFailuresTest {
    private static InferenceException refused(String reason) {
        return new InferenceException("http://h/v1/chat/completions answered HTTP 400: " + reason, null, InferenceException.Kind.REFUSED, 400,
                reason);
    }

    @Test
    void messagesThatDifferOnlyInTheirNumbersAreOneCause() {
        RequestFailures f = new RequestFailures();
        f.add("q1#0", refused("prompt (41 tokens) plus max_tokens (100) exceeds the model's context of 512 tokens"));
        f.add("q2#0", refused("prompt (57 tokens) plus max_tokens (100) exceeds the model's context of 512 tokens"));
        f.add("q2#1", refused("prompt (57 tokens) plus max_tokens (100) exceeds the model's context of 512 tokens"));
        f.add("q3#0", new InferenceException("gave up after 8 attempts; last: http://h: HTTP 503", null, InferenceException.Kind.FAILED, 503,
                "overloaded"));
        f.add("q4#0", new InferenceException("gave up", null, InferenceException.Kind.UNREACHABLE, 0, "ConnectException: no connection could be made"));
        f.skipped(5, "the server became unreachable", "q5#0");
        List<RequestFailures.Group> groups = f.groups();
        assertThat(groups).extracting(RequestFailures.Group::cause).containsExactly("not requested", "HTTP 400", "HTTP 503", "unreachable");
        RequestFailures.Group context = groups.get(1);
        assertThat(context.count()).isEqualTo(3);
        assertThat(context.permanent()).isTrue();
        assertThat(context.line()).isEqualTo("3 x HTTP 400 (permanent): prompt (41 tokens) plus max_tokens (100) exceeds the model's context of"
                + " 512 tokens (e.g. q1#0)");
        assertThat(groups.get(2).permanent()).isFalse();
        assertThat(groups.get(2).line()).isEqualTo("1 x HTTP 503: overloaded (e.g. q3#0)");
        assertThat(groups.getFirst().count()).isEqualTo(5);
    }
}
